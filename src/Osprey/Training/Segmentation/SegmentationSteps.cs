using Osprey.Torch.NN;
using Osprey.Torch.Optim;

namespace Osprey.Training.Segmentation;

/// <summary>
/// The segment task's optimizer steps, the PSPNet paper's recipe: the options' optimizer over decayed / undecayed
/// groups (<see cref="ParameterGroups"/>), and the "poly" learning rate, base x (1 - iter / max_iter)^0.9, per
/// iteration after the options' warmup. TrainOptions has no poly schedule kind, so the segment task reads its default
/// schedule (cosine) as poly 0.9; linear (poly with power 1) and constant are honoured as given.
/// </summary>
public static class SegmentationSteps
{
    public const double PolyPower = 0.9;

    public static ScheduledSteps Create(Module model, TrainOptions o, TrainingPlan plan)
    {
        long total = o.Epochs * plan.BatchesPerEpoch;
        long warmup = Math.Min((long)Math.Round(o.WarmupEpochs * plan.BatchesPerEpoch), total - 1);
        var schedule = Schedule(o, total, warmup);
        var optimizer = ParameterGroups.CreateOptimizer(model, o);
        return new ScheduledSteps(optimizer, new LrScheduler(optimizer, schedule), o.GradClip);
    }

    public static LrSchedule Schedule(TrainOptions o, long totalIterations, long warmupIterations)
    {
        if (o.Schedule != ScheduleKind.Cosine) return ParameterGroups.CreateSchedule(o, totalIterations, warmupIterations);
        LrSchedule poly = new PolySchedule(Math.Max(1, totalIterations - warmupIterations), PolyPower);
        return warmupIterations > 0 ? poly.WithWarmup(warmupIterations, o.WarmupStartFactor) : poly;
    }
}
