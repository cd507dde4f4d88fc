using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Torch.Optim;

namespace Osprey.Training;

/// <summary>Builds the run's optimizer: weights of convolutions and linear layers decay, norms' weights and all biases do not.</summary>
public static class ParameterGroups
{
    /// <summary>(decayed, not decayed) trainable parameters; a parameter with one dimension is a bias or a norm's scale.</summary>
    public static (Tensor[] Decay, Tensor[] NoDecay) Split(Module model)
    {
        var trainable = model.NamedParameters().Select(p => p.Tensor).Where(t => t.RequiresGrad).ToArray();
        return (trainable.Where(t => t.Dim > 1).ToArray(), trainable.Where(t => t.Dim <= 1).ToArray());
    }

    public static Optimizer CreateOptimizer(Module model, TrainOptions o)
    {
        var (decay, noDecay) = Split(model);
        switch (o.Optimizer)
        {
            case OptimizerKind.Sgd:
            {
                var defaults = new SgdOptions { Lr = o.InitialLr, Momentum = o.Momentum, Nesterov = o.Nesterov, WeightDecay = o.WeightDecay };
                return new Sgd(Groups(decay, noDecay, defaults, defaults with { WeightDecay = 0 }), defaults);
            }
            case OptimizerKind.AdamW:
            {
                var defaults = new AdamOptions { Lr = o.InitialLr, Beta1 = o.Momentum, WeightDecay = o.WeightDecay };
                return new AdamW(Groups(decay, noDecay, defaults, defaults with { WeightDecay = 0 }), defaults);
            }
            default:
                throw new ArgumentException($"optimizer {o.Optimizer} is not supported");
        }
    }

    static IEnumerable<ParamGroup> Groups(Tensor[] decay, Tensor[] noDecay, OptimizerOptions withDecay, OptimizerOptions without)
    {
        if (decay.Length > 0) yield return new ParamGroup(decay, withDecay);
        if (noDecay.Length > 0) yield return new ParamGroup(noDecay, without);
    }

    /// <summary>The learning-rate schedule over <paramref name="totalIterations"/> steps, with the warmup in front.</summary>
    public static LrSchedule CreateSchedule(TrainOptions o, long totalIterations, long warmupIterations)
    {
        long after = Math.Max(1, totalIterations - warmupIterations);
        LrSchedule main = o.Schedule switch
        {
            ScheduleKind.Cosine => new CosineSchedule(after, o.InitialLr * o.Lrf),
            ScheduleKind.Linear => new PolySchedule(after, 1.0),
            ScheduleKind.Constant => new ConstantSchedule(),
            ScheduleKind.Poly => new PolySchedule(after, o.Power, o.InitialLr * o.Lrf),
            _ => throw new ArgumentException($"schedule {o.Schedule} is not supported"),
        };
        return warmupIterations > 0 ? main.WithWarmup(warmupIterations, o.WarmupStartFactor) : main;
    }
}
