using Osprey.Torch.NN;

namespace Osprey.Torch.Tests;

public class TensorBasicsTests
{
    [Fact]
    public void FromArrayRoundTripsShapeDtypeAndValues()
    {
        using var scope = TensorScope.Begin();
        var t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(new long[] { 3, 1 }, t.Strides);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(DeviceType.Cpu, t.Device.Type);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, t.T.Contiguous().ToArray<float>());
    }

    [Fact]
    public void ArithmeticBroadcastsLikePyTorch()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = Tensor.From(new float[] { 10, 20, 30 }, 3);
        Assert.Equal(new float[] { 21, 42, 63, 24, 45, 66 }, ((a + b) * 2 - a).ToArray<float>());
        Assert.Equal(new float[] { 9, 8, 7, 6, 5, 4 }, (10 - a).ToArray<float>());
        Assert.Equal(21f, a.Sum().Item<float>());
    }

    [Fact]
    public void IndexingMatchesPythonSemantics()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        Assert.Equal(new long[] { 5, 6 }, x[0, 1, 1..3].ToArray<long>());
        Assert.Equal(new long[] { 3, 7, 11, 15, 19, 23 }, x[TensorIndex.Ellipsis, ^1].Flatten().ToArray<long>());
        Assert.Equal(new long[] { 2, 1, 3, 4 }, x[.., TensorIndex.NewAxis].Shape);
        var mask = x.Gt(20);
        Assert.Equal(new long[] { 21, 22, 23 }, x[mask].ToArray<long>());
        var idx = Tensor.From(new long[] { 2, 0 });
        Assert.Equal(new long[] { 8, 9, 10, 11, 0, 1, 2, 3 }, x[0, idx].Flatten().ToArray<long>());
        x[1, 2, ..] = Tensor.Zeros([4], DType.Int64);
        Assert.Equal(0L, x[1, 2].Sum().Item<long>());
    }

    [Fact]
    public void BackwardComputesGradients()
    {
        using var scope = TensorScope.Begin();
        var w = Tensor.From(new float[] { 1, -2, 3 }).RequiresGrad_();
        var loss = (w * w).Sum();
        loss.Backward();
        Assert.Equal(new float[] { 2, -4, 6 }, w.Grad!.ToArray<float>());
        w.ClearGrad();
        Assert.Null(w.Grad);
    }

    [Fact]
    public void ConvolutionShapesFollowStrideAndPadding()
    {
        using var scope = TensorScope.Begin();
        var y = Functional.Conv2d(Tensor.Ones([1, 3, 8, 8]), Tensor.Ones([4, 3, 3, 3]), null, stride: 2, padding: 1);
        Assert.Equal(new long[] { 1, 4, 4, 4 }, y.Shape);
        Assert.Equal(27f, y[0, 0, 1, 1].Item<float>());
    }

    [Fact]
    public void SumOfALiteralDimensionReducesThatDimension()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.From(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 5, 7, 9 }, x.Sum(0).ToArray<long>());
        Assert.Equal(21.0, x.SumAs(DType.Float64).Item<double>());
    }
}
