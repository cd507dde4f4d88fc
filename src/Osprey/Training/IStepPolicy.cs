using Osprey.Torch.NN;
using Osprey.Torch.Optim;

namespace Osprey.Training;

/// <summary>
/// How a run turns each batch's backward into optimizer steps: the optimizer over the task's parameter groups, the
/// learning rate (and momentum) for each iteration, gradient clipping and accumulation. The trainer calls
/// <see cref="BeforeBatch"/>, runs forward and backward, then <see cref="AfterBackward"/>; gradients are zero before
/// the first backward and after every step. <see cref="Scheduler"/>, when there is one, is saved with checkpoints;
/// everything else must follow from the global iteration (epoch x batches per epoch + batch), so a resumed run steps
/// exactly as an uninterrupted one.
/// </summary>
public interface IStepPolicy
{
    Optimizer Optimizer { get; }
    LrScheduler? Scheduler { get; }

    /// <summary>Sets what iteration <paramref name="iteration"/> trains with (lr, momentum), before its forward.</summary>
    void BeforeBatch(long iteration);

    /// <summary>After the backward of iteration <paramref name="iteration"/>: steps (and zeroes the gradients) or lets
    /// them accumulate. True when the optimizer stepped (the EMA follows the steps).</summary>
    bool AfterBackward(long iteration);
}

/// <summary>What a run's step policy is sized by: training images and batches per epoch, epochs, batch size.</summary>
public sealed record TrainingPlan(long Images, long BatchesPerEpoch, int Epochs, int Batch);

/// <summary>
/// The default step policy: every batch steps, the learning rate follows a per-iteration schedule with a linear warmup
/// in front (<see cref="ParameterGroups.CreateSchedule"/>), gradients are clipped to <see cref="TrainOptions.GradClip"/>.
/// </summary>
public sealed class ScheduledSteps(Optimizer optimizer, LrScheduler scheduler, double gradClip) : IStepPolicy
{
    public Optimizer Optimizer => optimizer;
    public LrScheduler? Scheduler => scheduler;

    /// <summary>The optimizer of <see cref="ParameterGroups.CreateOptimizer"/> and the options' schedule over the plan.</summary>
    public static ScheduledSteps Create(Module model, TrainOptions o, TrainingPlan plan)
    {
        var optimizer = ParameterGroups.CreateOptimizer(model, o);
        long total = o.Epochs * plan.BatchesPerEpoch;
        long warmup = Math.Min((long)Math.Round(o.WarmupEpochs * plan.BatchesPerEpoch), total - 1);
        return new ScheduledSteps(optimizer, new LrScheduler(optimizer, ParameterGroups.CreateSchedule(o, total, warmup)), o.GradClip);
    }

    public void BeforeBatch(long iteration) { }

    public bool AfterBackward(long iteration)
    {
        if (gradClip > 0) GradClip.ClipGradNorm(optimizer.Parameters, gradClip);
        optimizer.Step();
        optimizer.ZeroGrad();
        scheduler.Step();
        return true;
    }
}
