using Osprey.Torch.NN;

namespace Osprey.Torch.Tests.NN;

/// <summary>Configurations PyTorch rejects are rejected here too, with the offending value named.</summary>
public class LayerArgumentTests
{
    [Fact]
    public void InvalidLayerConfigurationsThrowNamingTheProblem()
    {
        Assert.Contains("groups 3", Assert.Throws<ArgumentException>(() => new Conv2d(4, 8, 3, groups: 3)).Message);
        Assert.Contains("strided", Assert.Throws<ArgumentException>(() => new Conv2d(4, 8, 3, stride: 2, padding: "same")).Message);
        Assert.Contains("'mirror'", Assert.Throws<ArgumentException>(() => new Conv2d(4, 8, 3, paddingMode: "mirror")).Message);
        Assert.Contains("'full'", Assert.Throws<ArgumentException>(() => new Conv2d(4, 8, 3, padding: "full")).Message);
        Assert.Contains("output_padding", Assert.Throws<ArgumentException>(() => new ConvTranspose2d(4, 8, 3, stride: 2, outputPadding: 2)).Message);
        Assert.Contains("num_groups 4", Assert.Throws<ArgumentException>(() => new GroupNorm(4, 6)).Message);
        Assert.Contains("num_heads 3", Assert.Throws<ArgumentException>(() => new MultiheadAttention(8, 3)).Message);
        Assert.Contains("exactly one", Assert.Throws<ArgumentException>(() => new Upsample()).Message);
        Assert.Contains("bilinear", Assert.Throws<ArgumentException>(() => new Upsample(scaleFactor: 2, alignCorners: true)).Message);
        Assert.Throws<ArgumentException>(() => new Dropout(1.5));
        Assert.Throws<ArgumentException>(() => new Embedding(5, 2, paddingIdx: 5));
    }

    [Fact]
    public void BadInputsAreReportedWithTheirShapes()
    {
        using var scope = TensorScope.Begin();
        using var bn = new BatchNorm2d(3);
        Assert.Contains("Tensor[2, 3]", Assert.Throws<ArgumentException>(() => bn.Call(Tensor.Zeros([2, 3]))).Message);
        using var mha = new MultiheadAttention(8, 2);
        var x = Tensor.Zeros([3, 2, 8]);
        var badMask = Tensor.Zeros([2, 4], DType.Bool);
        Assert.Contains("key_padding_mask", Assert.Throws<ArgumentException>(() => mha.Call(x, x, x, badMask)).Message);
        Assert.Contains("attn_mask", Assert.Throws<ArgumentException>(() => mha.Call(x, x, x, attnMask: Tensor.Zeros([3, 4]))).Message);
        using var embedding = new Embedding(5, 2);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => embedding.Call(Tensor.Zeros([2]))).Message);
    }

    [Fact]
    public void EmbeddingPaddingRowStartsAtZeroAndNegativeIndexCountsFromTheEnd()
    {
        using var scope = TensorScope.Begin();
        using var embedding = new Embedding(6, 3, paddingIdx: -2);
        Assert.Equal(4L, embedding.PaddingIdx);
        Assert.Equal(0f, embedding.Weight[4].Abs().Sum().Item<float>());
        Assert.NotEqual(0f, embedding.Weight[3].Abs().Sum().Item<float>());
    }
}
