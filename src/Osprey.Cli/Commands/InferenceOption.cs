using System.CommandLine;
using Osprey.Inference;
using Osprey.Models;
using Osprey.Training;
using Osprey.Training.Classification;

namespace Osprey.Cli.Commands;

/// <summary><c>--inference fast|plain|bf16</c> for val and predict: fast (the default) folds conv + BatchNorm and runs
/// channels-last; plain runs the model as trained (outputs equal within float32 rounding); bf16 runs the fast path under
/// bf16 autocast (opt-in: it changes results by bf16 rounding, and is fast only where oneDNN has bf16 kernels); int8
/// quantizes a ResNet classifier after calibrating on its training images (opt-in: its accuracy cost is measured).</summary>
public static class InferenceOption
{
    public static Option<InferenceMode> Create() => new("--inference")
    {
        Description = "fast: conv+BatchNorm folded, channels-last weights (outputs equal plain within 1e-4); plain: the model as trained; " +
                      "bf16: fast under bf16 autocast (AVX-512 CPUs; results change by bf16 rounding, see osprey doctor); " +
                      "int8: ResNet/SE-ResNet classifiers quantized, calibrated on 256 training images",
        DefaultValueFactory = _ => InferenceMode.Fast,
    };

    /// <summary>Prepares the model and says how on standard error, warning when bf16 would run on ATen's slow kernels;
    /// int8 calibrates on the run's training images (<paramref name="data"/> overrides the run's dataset).</summary>
    public static void Prepare(TrainedModel trained, InferenceMode mode, string? data = null)
    {
        if (mode == InferenceMode.Int8 && !(trained.Info.Task == "classify" && ModelRegistry.Get(trained.Info.Model).Family == "resnet"))
            throw new OptionsException("inference", $"--inference int8 covers the ResNet and SE-ResNet classifiers; {trained.Path} holds " +
                                                    $"{trained.Info.Model} ({trained.Info.Task}): use fast or bf16");
        var calibration = mode == InferenceMode.Int8 ? ClassificationCalibration.Batches(trained, data) : null;
        Console.Error.WriteLine(trained.PrepareForInference(mode, calibration).Describe());
        if (mode == InferenceMode.Bf16 && !MachineFacts.Bf16.StartsWith("yes", StringComparison.Ordinal))
            Console.Error.WriteLine($"warning: --inference bf16 on this CPU: {MachineFacts.Bf16}; expect it many times slower than --inference fast");
    }
}
