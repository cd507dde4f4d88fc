using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Yolo;

/// <summary>How a block's output channels follow from its row (ultralytics' parse_model rules).</summary>
public enum ChannelRule
{
    /// <summary>args[0] is the output channels c2, scaled by width (rounded up to a multiple of 8, capped by
    /// max_channels first; a value equal to nc is left alone); the input channels c1 are inserted before it.</summary>
    ScaledOutput,
    /// <summary>Output channels = the sum of the inputs' (Concat).</summary>
    SumOfInputs,
    /// <summary>Output channels = the input's (Upsample, pooling).</summary>
    SameAsInput,
    /// <summary>A detection head: the list of its inputs' channels is appended to the arguments.</summary>
    DetectionHead,
}

/// <summary>What a block's factory gets besides its arguments: the model-wide shared activation and the scale name.</summary>
public sealed record YoloBuildContext(Module<Tensor, Tensor> Activation, string? Scale);

/// <summary>
/// One catalog entry: the YAML name, the type path the layer table prints (ultralytics'), how channels bind, the
/// Python-style parameter list the final arguments bind to, and the factory. <see cref="RepeatsAsArgument"/>: the
/// depth-scaled repeats are inserted as the third argument (n) instead of stacking copies. <see cref="Stride"/>:
/// the block's down-sampling factor (output stride = input stride times it). <see cref="Adjust"/>: a last edit of
/// the arguments for a scale (C3k2 always uses C3k units at scales m, l, x).
/// </summary>
public sealed record YoloBlock(string Name, string TypePath, ChannelRule Channels, IReadOnlyList<YoloParameter> Parameters,
                               Func<YoloArguments, YoloBuildContext, Module> Create)
{
    public bool RepeatsAsArgument { get; init; }
    public Func<YoloArguments, double>? Stride { get; init; }
    public Action<List<object?>, string?>? Adjust { get; init; }

    /// <summary>Whether the block takes a list of inputs (from must be a list).</summary>
    public bool TakesList => Channels is ChannelRule.SumOfInputs or ChannelRule.DetectionHead;
}
