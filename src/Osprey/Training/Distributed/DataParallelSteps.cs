using Osprey.Torch.Optim;

namespace Osprey.Training.Distributed;

/// <summary>
/// A step policy on every rank of a data-parallel run: the gradients are averaged over the ranks right after each
/// backward, before the inner policy clips, steps or accumulates them, so clipping sees the global gradient (as with
/// DistributedDataParallel) and every rank takes the same step.
/// </summary>
public sealed class DataParallelSteps(IStepPolicy inner, DataParallel parallel) : IStepPolicy
{
    public Optimizer Optimizer => inner.Optimizer;
    public LrScheduler? Scheduler => inner.Scheduler;

    public void BeforeBatch(long iteration) => inner.BeforeBatch(iteration);

    public bool AfterBackward(long iteration)
    {
        parallel.AverageGradients();
        return inner.AfterBackward(iteration);
    }
}
