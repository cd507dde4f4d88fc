using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Inference.Int8;

/// <summary>One residual block in int8: quantized branch convolutions, the SE gate in float, the shortcut (quantized
/// downsample or the input itself), then one quantized add + ReLU at the block output's range.</summary>
sealed class Int8Block : Module<Tensor, Tensor>
{
    static readonly ActivationRange UnitRange = new(0, 1);

    readonly QuantizedConv2d[] convs;
    readonly SqueezeExcitation? se;
    readonly ActivationRange seOutput, output;
    readonly QuantizedConv2d? downsample;

    public Int8Block(QuantizedConv2d[] convs, SqueezeExcitation? se, ActivationRange seOutput, QuantizedConv2d? downsample,
                     ActivationRange output)
    {
        this.convs = convs;
        for (int k = 0; k < convs.Length; k++) RegisterModule($"conv{k + 1}", convs[k]);
        if (downsample != null) this.downsample = RegisterModule("downsample", downsample);
        (this.se, this.seOutput, this.output) = (se, seOutput, output);
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var y = x;
        foreach (var conv in convs) y = conv.Call(y);
        if (se != null)
        {
            var gate = se.Gate(QuantizedOps.Dequantize(Functional.AdaptiveAvgPool2d(y, 1)));
            y = QuantizedOps.Multiply(y, QuantizedOps.Quantize(gate, UnitRange), seOutput);
        }
        var identity = downsample?.Call(x) ?? x;
        return scope.Keep(QuantizedOps.AddRelu(y, identity, output));
    }
}
