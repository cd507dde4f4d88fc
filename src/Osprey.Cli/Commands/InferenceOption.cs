using System.CommandLine;
using Osprey.Inference;
using Osprey.Training;

namespace Osprey.Cli.Commands;

/// <summary><c>--inference fast|plain|bf16</c> for val and predict: fast (the default) folds conv + BatchNorm and runs
/// channels-last; plain runs the model as trained (outputs equal within float32 rounding); bf16 runs the fast path under
/// bf16 autocast (opt-in: it changes results by bf16 rounding, and is fast only where oneDNN has bf16 kernels).</summary>
public static class InferenceOption
{
    public static Option<InferenceMode> Create() => new("--inference")
    {
        Description = "fast: conv+BatchNorm folded, channels-last weights (outputs equal plain within 1e-4); plain: the model as trained; " +
                      "bf16: fast under bf16 autocast (AVX-512 CPUs; results change by bf16 rounding, see osprey doctor)",
        DefaultValueFactory = _ => InferenceMode.Fast,
    };

    /// <summary>Prepares the model and says how on standard error, warning when bf16 would run on ATen's slow kernels.</summary>
    public static void Prepare(TrainedModel trained, InferenceMode mode)
    {
        Console.Error.WriteLine(trained.PrepareForInference(mode).Describe());
        if (mode == InferenceMode.Bf16 && !MachineFacts.Bf16.StartsWith("yes", StringComparison.Ordinal))
            Console.Error.WriteLine($"warning: --inference bf16 on this CPU: {MachineFacts.Bf16}; expect it many times slower than --inference fast");
    }
}
