using Osprey.Torch;

namespace Osprey.Inference.Int8;

/// <summary>libtorch's quantized operators that the int8 models call (the onednn engine's kernels in Debian's build).</summary>
static class QuantizedOps
{
    static readonly Op quantizePerTensor = new("aten::quantize_per_tensor"), quantizePerChannel = new("aten::quantize_per_channel");
    static readonly Op dequantize = new("aten::dequantize", "self");
    static readonly Op convPrepack = new("quantized::conv2d_prepack"), conv = new("quantized::conv2d", "new"),
        convRelu = new("quantized::conv2d_relu", "new"), addRelu = new("quantized::add_relu"), mul = new("quantized::mul");

    public static Tensor Quantize(Tensor x, ActivationRange range) => quantizePerTensor.Tensor(x, range.Scale, range.ZeroPoint, DType.QUInt8);

    public static Tensor Dequantize(Tensor q) => dequantize.Tensor(q);

    /// <summary>Symmetric per-output-channel qint8 weights (PyTorch's default per-channel weight observer: scale =
    /// max |w| / 127.5, zero point 0), packed with the float bias for the engine's convolution.</summary>
    public static TorchObject PackConvolution(Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups)
    {
        using var scope = TensorScope.Begin();
        var scales = weight.Flatten(1).Abs().Max(1).Values.Div(127.5).ClampMin(ActivationRange.FloatEpsilon).Double();
        var zeros = Tensor.Zeros([weight.Size(0)], DType.Int64);
        var q = quantizePerChannel.Tensor(weight.Contiguous(), scales, zeros, 0L, DType.QInt8);
        return convPrepack.Object(q, bias, stride, padding, dilation, groups);
    }

    public static Tensor Convolution(Tensor qx, TorchObject packed, ActivationRange output, bool relu) =>
        (relu ? convRelu : conv).Tensor(qx, packed, output.Scale, output.ZeroPoint);

    /// <summary>qa x qb, broadcasting (an SE gate over a feature map).</summary>
    public static Tensor Multiply(Tensor qa, Tensor qb, ActivationRange output) => mul.Tensor(qa, qb, output.Scale, output.ZeroPoint);

    public static Tensor AddRelu(Tensor qa, Tensor qb, ActivationRange output) => addRelu.Tensor(qa, qb, output.Scale, output.ZeroPoint);
}
