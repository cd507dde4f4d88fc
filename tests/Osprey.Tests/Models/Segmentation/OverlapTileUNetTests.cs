using Osprey.Models.Backbones;
using Osprey.Models.Layers;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Inference;

namespace Osprey.Tests.Models.Segmentation;

public class OverlapTileUNetTests
{
    [Fact]
    public void ValidUNetPredictsAFullSizeMaskForAnyImageSize()
    {
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(3);
        using var unet = new UNet(new UNetOptions { InChannels = 1, NumClasses = 2, Valid = true, BatchNorm = false, BaseChannels = 4 });
        unet.Eval();
        long tileIn = 204, tileOut = unet.OutputSize(tileIn);   // 16k + 124 -> 20
        Assert.Equal(20, tileOut);
        var image = Tensor.Randn([1, 1, 30, 45]);
        int calls = 0;
        Tensor Logits(Tensor tile) { calls++; return unet.Call(tile).Logits; }
        using var noGrad = Autograd.NoGrad();
        var logits = SegmentationInference.OverlapTile(Logits, image, tileIn, tileOut);
        Assert.Equal([1L, 2, 30, 45], logits.Shape);
        Assert.Equal(2 * 3, calls);
        // The tile at row 1, column 2 is the network on the mirrored image's window starting at (20, 40).
        var extended = SegmentationInference.Mirror(SegmentationInference.Mirror(image, 2, 92, 92 + 10), 3, 92, 92 + 15);
        var window = unet.Call(extended.Narrow(2, 20, tileIn).Narrow(3, 40, tileIn)).Logits;
        Expect.Close(window.Narrow(2, 0, 10).Narrow(3, 0, 5), logits.Narrow(2, 20, 10).Narrow(3, 40, 5), 1e-6, 1e-6, "last tile, cropped");
    }
}

/// <summary>What a pspnet-r18 needs from the backbone: ResNet-18 dilated to output stride 8 (basic blocks take dilation).</summary>
public class DilatedResNet18Tests
{
    [Fact]
    public void ResNet18AtOutputStride8GivesPyramidPoolingItsFeatures()
    {
        using var scope = TensorScope.Begin();
        using var backbone = new ResNet(new ResNetOptions { Depth = 18, NumClasses = null, OutputStride = 8 });
        Assert.Equal([64L, 128, 256, 512], backbone.StageChannels);
        Assert.Equal([4L, 8, 8, 8], backbone.StageStrides);
        var stages = backbone.ForwardStages(Tensor.Randn([1, 3, 64, 64]));
        Assert.Equal([1L, 256, 8, 8], stages[2].Shape);   // the auxiliary head's input
        Assert.Equal([1L, 512, 8, 8], stages[3].Shape);
        using var ppm = new PyramidPooling(512, [1, 2, 3, 6]);
        ppm.Eval();
        Assert.Equal([1L, 1024, 8, 8], ppm.Call(stages[3]).Shape);
    }
}
