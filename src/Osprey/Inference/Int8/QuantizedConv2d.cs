using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Inference.Int8;

/// <summary>A convolution (its BatchNorm folded in) on quint8 activations with per-channel qint8 weights, the ReLU after
/// it fused when <see cref="Relu"/>: quint8 in, quint8 out at the output's calibrated range.</summary>
public sealed class QuantizedConv2d : Module<Tensor, Tensor>
{
    readonly TorchObject packed;

    public ActivationRange Output { get; }
    public bool Relu { get; }

    public QuantizedConv2d(Conv2d conv, ActivationRange output, bool relu)
    {
        if (conv.PaddingMode != "zeros" || conv.Padding.Mode != null)
            throw new ArgumentException($"int8: {conv}: quantized convolutions take zero padding given as amounts");
        packed = QuantizedOps.PackConvolution(conv.Weight, conv.Bias, conv.Stride.ToArray(), conv.Padding.Amount.ToArray(),
                                               conv.Dilation.ToArray(), conv.Groups);
        (Output, Relu) = (relu ? output.Rectified : output, relu);
    }

    public override Tensor Forward(Tensor input) => QuantizedOps.Convolution(input, packed, Output, Relu);

    protected override void DisposeNonTensorState() => packed.Dispose();
}
