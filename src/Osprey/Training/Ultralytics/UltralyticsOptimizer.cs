using Osprey.Torch.NN;
using Osprey.Torch.Optim;

namespace Osprey.Training.Ultralytics;

/// <summary>The optimizer a run uses after ultralytics' <c>optimizer=auto</c> rule, and its starting lr and momentum.</summary>
public sealed record OptimizerChoice(string Name, double Lr, double Momentum, double WarmupBiasLr);

/// <summary>
/// ultralytics' optimizer set-up (BaseTrainer._setup_train and build_optimizer): gradients accumulate to the nominal
/// batch (accumulate = max(round(nbs / batch), 1)), weight decay scales by batch * accumulate / nbs, and
/// <c>optimizer=auto</c> picks SGD (lr 0.01, momentum 0.9) when the run has more than 10 000 iterations of
/// max(batch, nbs) images, else AdamW with lr = round(0.002 * 5 / (4 + classes), 6) and momentum 0.9 — either way the
/// warm-up bias lr becomes 0. The groups are ordered as ultralytics adds them: biases, decayed weights, norm weights.
/// </summary>
public static class UltralyticsOptimizer
{
    public const long AutoSgdIterations = 10_000;
    public static readonly string[] Supported = ["SGD", "Adam", "AdamW", "auto"];

    /// <summary>Batches whose gradients are summed before a step: max(round(nbs / batch), 1), rounding half to even as Python.</summary>
    public static int Accumulation(int batch, int nbs)
    {
        if (batch < 1) throw new ArgumentException($"batch {batch}: expected >= 1");
        return Math.Max((int)Math.Round((double)nbs / batch, MidpointRounding.ToEven), 1);
    }

    /// <summary>The weight decay of the decayed group: weight_decay * batch * accumulate / nbs.</summary>
    public static double ScaledWeightDecay(UltralyticsHyperparameters h, int batch) =>
        h.WeightDecay * batch * Accumulation(batch, h.Nbs) / h.Nbs;

    /// <summary>What the auto rule counts: ceil(images / max(batch, nbs)) * epochs.</summary>
    public static long AutoIterations(long images, int batch, int epochs, int nbs) =>
        (long)Math.Ceiling((double)images / Math.Max(batch, nbs)) * epochs;

    /// <summary>Resolves <see cref="UltralyticsHyperparameters.Optimizer"/> (case-insensitive) for a model of <paramref name="numClasses"/>.</summary>
    public static OptimizerChoice Choose(UltralyticsHyperparameters h, long numClasses, long iterations)
    {
        h.Validate();
        var name = Supported.FirstOrDefault(s => s.Equals(h.Optimizer, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"optimizer '{h.Optimizer}': expected one of {string.Join(", ", Supported)}");
        if (name != "auto") return new OptimizerChoice(name, h.Lr0, h.Momentum, h.WarmupBiasLr);
        var fitted = Math.Round(0.002 * 5 / (4 + numClasses), 6);
        return iterations > AutoSgdIterations ? new OptimizerChoice("SGD", 0.01, 0.9, 0.0) : new OptimizerChoice("AdamW", fitted, 0.9, 0.0);
    }

    /// <summary>
    /// The optimizer over <paramref name="model"/>'s three groups: SGD with Nesterov momentum, or Adam/AdamW with
    /// betas (momentum, 0.999); decay only on the weights group.
    /// </summary>
    public static Optimizer Create(Module model, OptimizerChoice choice, double weightDecay)
    {
        var groups = UltralyticsParameterGroups.Of(model);
        var tensors = new[] { groups.Biases, groups.Weights, groups.NormWeights }.Select(g => g.Select(p => p.Tensor).ToArray()).ToArray();
        double[] decays = [0.0, weightDecay, 0.0];
        switch (choice.Name)
        {
            case "SGD":
            {
                var defaults = new SgdOptions { Lr = choice.Lr, Momentum = choice.Momentum, Nesterov = true };
                return new Sgd(tensors.Select((t, i) => new ParamGroup(t, defaults with { WeightDecay = decays[i] })), defaults);
            }
            case "Adam" or "AdamW":
            {
                var defaults = new AdamOptions { Lr = choice.Lr, Beta1 = choice.Momentum, Beta2 = 0.999 };
                var paramGroups = tensors.Select((t, i) => new ParamGroup(t, defaults with { WeightDecay = decays[i] }));
                return choice.Name == "Adam" ? new Adam(paramGroups, defaults) : new AdamW(paramGroups, defaults);
            }
            default:
                throw new ArgumentException($"optimizer '{choice.Name}': resolve 'auto' with Choose first; expected SGD, Adam or AdamW");
        }
    }
}
