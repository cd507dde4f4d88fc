using Osprey.Torch.NN;
using Osprey.Torch.Optim;

namespace Osprey.Training.Ultralytics;

/// <summary>
/// ultralytics' optimization recipe for one run, put together: the optimizer over the three parameter groups (after
/// the auto rule) with the scaled weight decay, and per iteration the lr / momentum to set before the batch and
/// whether to step after its backward (when ni - last step >= accumulate; gradients of the batches between sum up,
/// the loss being ultralytics' batch-size-scaled total). A step clips the gradient norm of all model parameters to
/// 10, as ultralytics' optimizer_step, then zeroes the gradients; the caller updates its EMA when it returns true.
/// A trainer calls <see cref="BeforeBatch"/> then, after the backward, <see cref="StepAfterBatch"/>; the caller
/// disposes <see cref="Optimizer"/>.
/// </summary>
public sealed class UltralyticsRecipe
{
    public const double MaxGradNorm = 10.0;

    readonly Module model;
    long lastStep = -1;

    public UltralyticsHyperparameters Hyperparameters { get; }
    public OptimizerChoice Choice { get; }
    public double WeightDecay { get; }
    public Optimizer Optimizer { get; }
    public UltralyticsWarmup Warmup { get; }
    /// <summary>The settings last applied by <see cref="BeforeBatch"/>.</summary>
    public IterationSettings? Current { get; private set; }

    /// <param name="images">Training images per epoch (the auto rule counts iterations of max(batch, nbs) of them).</param>
    /// <param name="batchesPerEpoch">Batches the loader yields per epoch.</param>
    public UltralyticsRecipe(Module model, UltralyticsHyperparameters hyperparameters, long numClasses, long images, int batch, int epochs,
                             long batchesPerEpoch)
    {
        this.model = model;
        Hyperparameters = hyperparameters;
        WeightDecay = UltralyticsOptimizer.ScaledWeightDecay(hyperparameters, batch);
        Choice = UltralyticsOptimizer.Choose(hyperparameters, numClasses, UltralyticsOptimizer.AutoIterations(images, batch, epochs, hyperparameters.Nbs));
        Warmup = new UltralyticsWarmup(hyperparameters, Choice, epochs, batchesPerEpoch, batch);
        Optimizer = UltralyticsOptimizer.Create(model, Choice, WeightDecay);
    }

    /// <summary>Sets every group's lr (and SGD momentum) for global iteration <paramref name="iteration"/> (epoch * batches + batch).</summary>
    public IterationSettings BeforeBatch(long iteration)
    {
        Current = Warmup.At(iteration);
        UltralyticsWarmup.Apply(Optimizer, Current);
        return Current;
    }

    /// <summary>The iteration of the last step an uninterrupted run takes before <paramref name="iteration"/> (-1: none):
    /// the step decisions follow from the accumulation counts alone, so a resumed run can take them up again.</summary>
    public long LastStepBefore(long iteration)
    {
        long last = -1;
        for (long i = 0; i < iteration; i++)
            if (i - last >= Warmup.At(i).Accumulate) last = i;
        return last;
    }

    /// <summary>Continues at <paramref name="iteration"/> as if every earlier iteration had run (a resumed run).</summary>
    public void ContinueAt(long iteration) => lastStep = LastStepBefore(iteration);

    /// <summary>Steps the optimizer (and zeroes the gradients) when enough batches accumulated; true when it stepped.</summary>
    public bool StepAfterBatch(long iteration)
    {
        var settings = Current is { } c && c.Iteration == iteration ? c
            : throw new InvalidOperationException($"call BeforeBatch({iteration}) before StepAfterBatch({iteration})");
        if (iteration - lastStep < settings.Accumulate) return false;
        GradClip.ClipGradNorm(model.Parameters(), MaxGradNorm);
        Optimizer.Step();
        Optimizer.ZeroGrad();
        lastStep = iteration;
        return true;
    }
}
