namespace Osprey.Torch.Tests;

/// <summary>TorchBind objects through the shim: an operator's object result comes back typed, goes back in as an
/// argument, is refused (naming its class) where another class is expected; the quantized engine is chosen by name.</summary>
public class TorchObjectTests
{
    static readonly Op quantizePerTensor = new("aten::quantize_per_tensor"), convPrepack = new("quantized::conv2d_prepack"),
        conv = new("quantized::conv2d", "new"), linear = new("quantized::linear");

    [Fact]
    public void PackedWeightsRoundTripAndAreTypeChecked()
    {
        QuantizedEngine.Current = "onednn";
        Assert.Equal("onednn", QuantizedEngine.Current);
        using var scope = TensorScope.Begin();
        var weight = quantizePerTensor.Tensor(Tensor.Randn([4, 3, 3, 3]), 0.05, 0L, DType.QInt8);
        using var packed = convPrepack.Object(weight, Arg.None, new long[] { 1, 1 }, new long[] { 1, 1 }, new long[] { 1, 1 }, 1L);
        Assert.Equal("__torch__.torch.classes.quantized.Conv2dPackedParamsBase", packed.ClassName);
        var x = quantizePerTensor.Tensor(Tensor.Rand([1, 3, 8, 8]), 1 / 255.0, 0L, DType.QUInt8);
        var y = conv.Tensor(x, packed, 0.1, 0L);
        Assert.Equal([1L, 4, 8, 8], y.Shape);
        Assert.Equal(DType.QUInt8, y.DType);
        var error = Assert.Throws<TorchException>(() => linear.Tensor(x, packed, 0.1, 0L));
        Assert.Contains("cannot take an object of class __torch__.torch.classes.quantized.Conv2dPackedParamsBase", error.Message);
        packed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => conv.Tensor(x, packed, 0.1, 0L));
    }

    [Fact]
    public void AnEngineThisBuildLacksIsNamed()
    {
        var error = Assert.Throws<TorchException>(() => QuantizedEngine.Current = "tpu");
        Assert.Contains("quantized engine tpu is not in this libtorch (it has: ", error.Message);
    }
}
