using Osprey.Models;

namespace Osprey.Tests.Models;

/// <summary>Exact parameter counts (issue numbers; torchvision's for plain ResNets).</summary>
public class ParameterCountTests
{
    [Theory]
    [InlineData("resnet18", null, 11_689_512)]
    [InlineData("resnet34", null, 21_797_672)]
    [InlineData("resnet50", null, 25_557_032)]
    [InlineData("resnet101", null, 44_549_160)]
    [InlineData("resnet152", null, 60_192_808)]
    [InlineData("seresnet18", null, 11_776_552)]
    [InlineData("seresnet34", null, 21_954_856)]
    [InlineData("seresnet50", null, 28_071_976)]
    [InlineData("seresnet101", null, 49_292_328)]
    [InlineData("seresnet152", null, 66_770_984)]
    [InlineData("unet-valid", null, 31_030_658)]
    [InlineData("pspnet-r50", 150L, 49_057_132)]
    [InlineData("pspnet-r50", 21L, 48_957_802)]
    // ResNet-18 without fc 11,176,512 + PPM 4 x (512*128 + BN 256) + head 1024*128*9 + BN 256 + 128*K + K + aux 256*64*9 + BN 128 + 64*K + K.
    [InlineData("pspnet-r18", 150L, 12_796_268)]
    [InlineData("pspnet-r18", 11L, 12_769_302)]
    [InlineData("detr-r50", null, 41_524_768)]
    public void CountMatches(string name, long? classes, long expected)
    {
        using var model = ModelRegistry.Create(name, new ModelArgs(NumClasses: classes));
        Assert.Equal(expected, model.Parameters().Sum(p => p.NumEl));
    }

    [Fact]
    public void PspNetWithoutAuxiliaryHead()
    {
        using var model = new Osprey.Models.Segmentation.PSPNet(new() { NumClasses = 150, AuxHead = false });
        Assert.Equal(46_658_774, model.Parameters().Sum(p => p.NumEl));
    }
}
