using Osprey.Models;
using Osprey.Models.Layers;
using Osprey.Models.Segmentation;

namespace Osprey.Tests.Models;

/// <summary>Output shapes stated by the papers, and the size checks in front of them.</summary>
public class OutputShapeTests
{
    [Fact]
    public void OriginalUNetMaps572To388()
    {
        using var model = (UNet)ModelRegistry.Create("unet-valid");
        model.Eval();
        using var scope = TensorScope.Begin();
        using var inference = Autograd.InferenceMode();
        using var output = model.Call(Tensor.Zeros([1, 1, 572, 572]));
        Assert.Equal(new long[] { 1, 2, 388, 388 }, output.Logits.Shape);
    }

    [Theory]
    [InlineData(473, 473)]
    [InlineData(512, 1024)]
    public void PspNetPredictsAtTheInputSize(long h, long w)
    {
        using var model = new PSPNet(new PSPNetOptions { NumClasses = 21 });
        model.Eval();
        using var scope = TensorScope.Begin();
        using var inference = Autograd.InferenceMode();
        using var output = model.Call(Tensor.Zeros([1, 3, h, w]));
        Assert.Equal(new long[] { 1, 21, h, w }, output.Logits.Shape);
        Assert.Null(output.AuxLogits);
    }

    [Fact]
    public void PspNetTrainsWithAnAuxiliaryOutputAtTheInputSize()
    {
        using var model = new PSPNet(new PSPNetOptions { NumClasses = 5, Attention = ResidualAttention.Se() });
        model.Train();
        using var scope = TensorScope.Begin();
        using var output = model.Call(Tensor.Randn([2, 3, 57, 75]));
        Assert.Equal(new long[] { 2, 5, 57, 75 }, output.Logits.Shape);
        Assert.Equal(new long[] { 2, 5, 57, 75 }, output.AuxLogits!.Shape);
    }

    [Fact]
    public void PaddedUNetKeepsTheSizeAndRefusesSizesNotDivisibleBy16()
    {
        using var model = new UNet(new UNetOptions { InChannels = 3, NumClasses = 4, BaseChannels = 8 });
        using var scope = TensorScope.Begin();
        using var output = model.Call(Tensor.Zeros([1, 3, 48, 80]));
        Assert.Equal(new long[] { 1, 4, 48, 80 }, output.Logits.Shape);
        var e = Assert.Throws<ArgumentException>(() => model.Call(Tensor.Zeros([1, 3, 50, 80])));
        Assert.Equal("UNet: input size 50 must be divisible by 16 (four 2x2 poolings)", e.Message);
    }

    [Fact]
    public void ValidUNetNamesTheSizesThatWork()
    {
        using var model = new UNet(new UNetOptions { InChannels = 1, NumClasses = 2, Valid = true, BatchNorm = false, BaseChannels = 4 });
        Assert.Equal(388, model.OutputSize(572));
        Assert.Equal(4, model.OutputSize(188));
        var e = Assert.Throws<ArgumentException>(() => model.OutputSize(570));
        Assert.Contains("valid sizes are 16k + 124 (e.g. 572)", e.Message);
    }

    [Fact]
    public void SmallStemResNetClassifiesTinyGrayImages()
    {
        using var model = new Osprey.Models.Backbones.ResNet(new() { Depth = 18, NumClasses = 10, InChannels = 1, SmallStem = true });
        using var scope = TensorScope.Begin();
        Assert.Equal(new long[] { 4, 10 }, model.Call(Tensor.Zeros([4, 1, 28, 28])).Shape);
        Assert.Equal(new long[] { 1, 2, 4, 8 }, model.StageStrides);
    }
}
