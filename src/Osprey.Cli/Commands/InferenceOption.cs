using System.CommandLine;
using Osprey.Inference;

namespace Osprey.Cli.Commands;

/// <summary><c>--inference fast|plain</c> for val and predict: fast (the default) folds conv + BatchNorm and runs
/// channels-last; plain runs the model as trained (outputs equal within float32 rounding).</summary>
public static class InferenceOption
{
    public static Option<InferenceMode> Create() => new("--inference")
    {
        Description = "fast: conv+BatchNorm folded, channels-last weights (outputs equal plain within 1e-4); plain: the model as trained",
        DefaultValueFactory = _ => InferenceMode.Fast,
    };
}
