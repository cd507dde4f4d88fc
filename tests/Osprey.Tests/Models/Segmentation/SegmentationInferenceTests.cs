using Osprey.Models.Segmentation.Inference;
using Osprey.Torch.NN;

namespace Osprey.Tests.Models.Segmentation;

/// <summary>Against mmsegmentation's slide_inference and aug_test re-implemented in tools/reference/segmentation_reference.py.</summary>
public class SegmentationInferenceTests
{
    static void Close(Tensor expected, Tensor actual, string what) => Expect.Close(expected, actual, 1e-6, 1e-5, what);

    static (Func<Tensor, Tensor> Same, Func<Tensor, Tensor> Down) LogitFunctions(Fixture f)
    {
        Tensor w = f["infer_conv_weight"], b = f["infer_conv_bias"], down = f["infer_down_weight"];
        return (x => Functional.Conv2d(x, w, b, 1, 1), x => Functional.Conv2d(x, down, null, 2, 1));
    }

    [Theory]
    [InlineData("same", 8, 10, 5, 6)]
    [InlineData("same", 12, 12, 12, 12)]
    [InlineData("same", 32, 40, 16, 16)]   // crop larger than the 23 x 30 image
    [InlineData("down", 8, 10, 5, 6)]      // half-resolution logits resized to each crop
    [InlineData("down", 12, 12, 12, 12)]
    [InlineData("down", 32, 40, 16, 16)]
    public void SlidingWindowMatchesMmsegmentation(string function, int cropH, int cropW, int strideH, int strideW)
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var (same, down) = LogitFunctions(f);
        var logits = SegmentationInference.Slide(function == "same" ? same : down, f["infer_image"], (cropH, cropW), (strideH, strideW));
        Close(f[$"slide_{function}_{cropH}x{cropW}_{strideH}x{strideW}"], logits, $"slide {function} crop {cropH}x{cropW} stride {strideH}x{strideW}");
    }

    [Fact]
    public void WholeImageResizesLogitsToTheInput()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var (same, down) = LogitFunctions(f);
        Close(f["whole_same"], SegmentationInference.Whole(same, f["infer_image"]), "whole, same-size logits");
        Close(f["whole_down"], SegmentationInference.Whole(down, f["infer_image"]), "whole, half-size logits");
    }

    [Fact]
    public void MultiScaleFlipAveragesProbabilities()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var (same, down) = LogitFunctions(f);
        var whole = new TestTimeAugmentation([0.5, 1.0, 1.75]).Apply(x => SegmentationInference.Whole(same, x), f["infer_image"]);
        Close(f["tta_whole_same"], whole, "scales 0.5, 1, 1.75 + flip, whole");
        var slide = new TestTimeAugmentation([0.75, 1.25]).Apply(x => SegmentationInference.Slide(down, x, (8, 10), (5, 6)), f["infer_image"]);
        Close(f["tta_slide_down"], slide, "scales 0.75, 1.25 + flip, sliding window");
        Expect.Close(Tensor.Ones([2, 23, 30]), slide.Sum(1), 1e-5, 1e-5, "probabilities sum to 1");
    }

    [Theory]
    [InlineData(37, 50)]
    [InlineData(5, 7)]     // smaller than one output tile: mirrored several times
    public void OverlapTileEqualsTheValidNetworkOnTheMirroredImage(int h, int w)
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        Tensor c1 = f["tile_conv1"], c2 = f["tile_conv2"];
        int calls = 0;
        Tensor ValidNet(Tensor x)
        {
            calls++;
            Assert.Equal([1L, 2, 20, 20], x.Shape);
            return Functional.Conv2d(Functional.Relu(Functional.Conv2d(x, c1)), c2);
        }
        var logits = SegmentationInference.OverlapTile(ValidNet, f[$"tile_image_{h}x{w}"], tileIn: 20, tileOut: 14);
        Close(f[$"tile_expected_{h}x{w}"], logits, $"overlap-tile {h}x{w}");
        Assert.Equal(((h + 13) / 14) * ((w + 13) / 14), calls);
    }

    [Fact]
    public void MirrorIsNumpyReflect()
    {
        using var scope = TensorScope.Begin();
        var mirrored = SegmentationInference.Mirror(Tensor.Arange(3), 0, 5, 7);
        Assert.Equal(new long[] { 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1 }, mirrored.ToArray<long>()); // np.pad(arange(3), (5, 7), 'reflect')
    }

    [Fact]
    public void InferenceLeaksNoTensor()
    {
        using var fixtureScope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var (same, _) = LogitFunctions(f);
        long before = Tensor.LiveCount;
        using (var scope = TensorScope.Begin())
        {
            new TestTimeAugmentation([0.5, 1.0]).Apply(x => SegmentationInference.Slide(same, x, (8, 10), (5, 6)), f["infer_image"]);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }
}
