using Xunit.Sdk;

namespace Osprey.Torch.Tests;

public class ExpectTests
{
    [Fact]
    public void CloseAcceptsValuesWithinTolerance()
    {
        using var scope = TensorScope.Begin();
        Expect.Close(Tensor.From(new float[] { 1, 100 }), Tensor.From(new float[] { 1.000005f, 100.0005f }), rtol: 1e-5, atol: 1e-6);
    }

    [Fact]
    public void CloseRejectsAnErrorBeyondTolerance()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<FailException>(() =>
            Expect.Close(Tensor.From(new float[] { 1, 2 }), Tensor.From(new float[] { 1, 2.001f }), what: "y"));
        Assert.Contains("y: 1 of 2 elements off", e.Message);
    }

    [Fact]
    public void CloseRejectsANaNThatPyTorchDidNotProduce()
    {
        using var scope = TensorScope.Begin();
        Assert.Throws<FailException>(() =>
            Expect.Close(Tensor.From(new float[] { 1, 2 }), Tensor.From(new float[] { 1, float.NaN })));
        Assert.Throws<FailException>(() =>
            Expect.Close(Tensor.From(new float[] { float.NaN, 2 }), Tensor.From(new float[] { 1, 3 })));
    }

    [Fact]
    public void CloseMatchesNaNAndInfinityWherePyTorchHasThem()
    {
        using var scope = TensorScope.Begin();
        var values = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 3 };
        Expect.Close(Tensor.From(values), Tensor.From(values));
        Assert.Throws<FailException>(() =>
            Expect.Close(Tensor.From(values), Tensor.From(new[] { float.NaN, float.NegativeInfinity, float.NegativeInfinity, 3 })));
    }
}
