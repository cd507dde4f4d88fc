using Osprey.Torch.Optim;

namespace Osprey.Training.Ultralytics;

/// <summary>The settings of one iteration: each group's lr (biases, weights, norm weights), the momentum
/// (SGD; null for Adam, whose betas stay), and how many batches' gradients to accumulate before the step.</summary>
public sealed record IterationSettings(long Iteration, int Epoch, double[] Lr, double? Momentum, int Accumulate);

/// <summary>
/// ultralytics' per-iteration learning rate and momentum (BaseTrainer._do_train with _setup_scheduler): each epoch
/// every group's lr is lr0 * lf(epoch), with lf linear, (1 - e/epochs)(1 - lrf) + lrf, or the one-cycle cosine from 1
/// to lrf. For the first nw = max(round(warmup_epochs * batches per epoch), 100) iterations (none if warmup_epochs is
/// 0) np.interp ramps, over [0, nw], the bias lr from warmup_bias_lr down and the other lrs from 0 up to lr0 * lf(epoch),
/// the momentum from warmup_momentum to momentum, and the accumulation count from 1 to nbs / batch.
/// </summary>
public sealed class UltralyticsWarmup
{
    readonly UltralyticsHyperparameters h;
    readonly OptimizerChoice choice;

    public int Epochs { get; }
    public long BatchesPerEpoch { get; }
    public int Batch { get; }
    /// <summary>The last warm-up iteration (inclusive), -1 without warm-up.</summary>
    public long WarmupIterations { get; }

    public UltralyticsWarmup(UltralyticsHyperparameters hyperparameters, OptimizerChoice choice, int epochs, long batchesPerEpoch, int batch)
    {
        hyperparameters.Validate();
        if (epochs < 1) throw new ArgumentException($"epochs {epochs}: expected >= 1");
        if (batchesPerEpoch < 1) throw new ArgumentException($"batches per epoch {batchesPerEpoch}: expected >= 1");
        if (batch < 1) throw new ArgumentException($"batch {batch}: expected >= 1");
        (h, this.choice, Epochs, BatchesPerEpoch, Batch) = (hyperparameters, choice, epochs, batchesPerEpoch, batch);
        WarmupIterations = h.WarmupEpochs > 0
            ? Math.Max((long)Math.Round(h.WarmupEpochs * batchesPerEpoch, MidpointRounding.ToEven), 100)
            : -1;
    }

    /// <summary>The lr factor of an epoch (lf).</summary>
    public double LrFactor(int epoch) => h.CosLr
        ? Math.Max((1 - Math.Cos(epoch * Math.PI / Epochs)) / 2, 0) * (h.Lrf - 1) + 1
        : Math.Max(1 - (double)epoch / Epochs, 0) * (1.0 - h.Lrf) + h.Lrf;

    public IterationSettings At(long iteration)
    {
        if (iteration < 0) throw new ArgumentException($"iteration {iteration}: expected >= 0");
        var epoch = (int)(iteration / BatchesPerEpoch);
        var target = choice.Lr * LrFactor(epoch);
        bool sgd = choice.Name == "SGD";
        if (iteration > WarmupIterations)
        {
            // After a warm-up the groups keep the momentum it ended on (the configured one), else the optimizer's own.
            double? after = sgd ? (WarmupIterations >= 0 ? h.Momentum : choice.Momentum) : null;
            return new IterationSettings(iteration, epoch, [target, target, target], after, UltralyticsOptimizer.Accumulation(Batch, h.Nbs));
        }
        double x = iteration, end = WarmupIterations;
        var accumulate = Math.Max(1, (int)Math.Round(Interp(x, end, 1, (double)h.Nbs / Batch), MidpointRounding.ToEven));
        double[] lr = [Interp(x, end, choice.WarmupBiasLr, target), Interp(x, end, 0.0, target), Interp(x, end, 0.0, target)];
        double? momentum = sgd ? Interp(x, end, h.WarmupMomentum, h.Momentum) : null;
        return new IterationSettings(iteration, epoch, lr, momentum, accumulate);
    }

    /// <summary>Sets the optimizer's group lrs (and SGD momentum) for an iteration; the groups as <see cref="UltralyticsOptimizer.Create"/> orders them.</summary>
    public static void Apply(Optimizer optimizer, IterationSettings settings)
    {
        if (optimizer.ParamGroups.Count != 3)
            throw new ArgumentException($"expected the 3 ultralytics parameter groups (biases, weights, norm weights), got {optimizer.ParamGroups.Count}");
        for (int g = 0; g < 3; g++)
        {
            var group = optimizer.ParamGroups[g];
            group.Lr = settings.Lr[g];
            if (settings.Momentum is { } m && group.Options is SgdOptions sgd) group.Options = sgd with { Momentum = m };
        }
    }

    /// <summary>np.interp over the two points (0, y0) and (x1, y1): slope * x + y0, exactly y1 at x1.</summary>
    static double Interp(double x, double x1, double y0, double y1) => x >= x1 ? y1 : (y1 - y0) / x1 * x + y0;
}
