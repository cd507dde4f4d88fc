using Osprey.Torch.NN;

namespace Osprey.Torch.Tests;

/// <summary>Bad calls surface as TorchException naming the operator and argument shapes; never a crash.</summary>
public class ErrorTests
{
    [Fact]
    public void ShapeMismatchNamesOperatorAndShapes()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4, 5]);
        var e = Assert.Throws<TorchException>(() => a.Matmul(b));
        Assert.Contains("aten::matmul(Tensor[2, 3] float32, Tensor[4, 5] float32)", e.Message);
        Assert.Contains("cannot be multiplied", e.Message);
    }

    [Fact]
    public void ConvolutionChannelMismatchIsReported()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<TorchException>(() => Functional.Conv2d(Tensor.Zeros([1, 3, 8, 8]), Tensor.Zeros([4, 5, 3, 3]), null, stride: 1));
        Assert.StartsWith("aten::conv2d(Tensor[1, 3, 8, 8] float32, Tensor[4, 5, 3, 3] float32, None, 1, 0, 1, 1) failed:", e.Message);
        Assert.Contains("expected input[1, 3, 8, 8] to have 5 channels", e.Message);
    }

    [Fact]
    public void WrongDtypeIsReported()
    {
        using var scope = TensorScope.Begin();
        var ints = Tensor.Arange(4);
        var e = Assert.Throws<TorchException>(() => ints.ToArray<float>());
        Assert.Contains("ToArray<Single> on a int64 tensor", e.Message);
        var e2 = Assert.Throws<TorchException>(() => Functional.Linear(ints.View(2, 2), Tensor.Ones([2, 2])));
        Assert.Contains("aten::linear(Tensor[2, 2] int64, Tensor[2, 2] float32, None) failed", e2.Message);
    }

    [Fact]
    public void UseAfterDisposeIsATorchException()
    {
        var t = Tensor.Ones([2]);
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Contains("used after Dispose", Assert.Throws<TorchException>(() => t.Sum()).Message);
        Assert.Contains("used after Dispose", Assert.Throws<TorchException>(() => t.Shape).Message);
        t.Dispose();
    }

    [Fact]
    public void UnknownOperatorIsNamed()
    {
        var e = Assert.Throws<TorchException>(() => new Op("aten::no_such_op").Tensor());
        Assert.Contains("operator aten::no_such_op not found", e.Message);
    }

    [Fact]
    public void WrongArgumentKindNamesTheArgument()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<TorchException>(() => new Op("aten::add", "Tensor").Tensor(Tensor.Ones([1]), "text"));
        Assert.Contains("argument 'other' (Tensor): cannot take str", e.Message);
        var missing = Assert.Throws<TorchException>(() => new Op("aten::add", "Tensor").Tensor(Tensor.Ones([1])));
        Assert.Contains("argument 'other' (Tensor): is required", missing.Message);
    }

    [Fact]
    public void BackwardOfNonScalarWithoutGradientIsReported()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones([3]).RequiresGrad_();
        var e = Assert.Throws<TorchException>(() => (x * 2).Backward());
        Assert.Contains("grad can be implicitly created only for scalar outputs", e.Message);
    }

    [Fact]
    public void ShapeAndDataMismatchIsReported()
    {
        var e = Assert.Throws<TorchException>(() => Tensor.From(new float[5], 2, 3));
        Assert.Equal("shape [2, 3] needs 6 elements, data has 5", e.Message);
    }
}
