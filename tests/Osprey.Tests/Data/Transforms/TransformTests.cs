using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Data.Transforms;

using Osprey.Tests.Data;

namespace Osprey.Tests.Data.Transforms;

public class TransformTests
{
    static Sample RgbPng() => new(ImageCodec.Read(TestImages.PathOf("rgb.png"))); // 3 x 10 x 14, as the fixture's "image"

    [Theory]
    [InlineData(5, 7)]
    [InlineData(23, 31)]
    [InlineData(10, 6)]
    public void ResizeMatchesTorchvision(int h, int w)
    {
        using var scope = TensorScope.Begin();
        var fixture = Fixture.Load("transforms");
        TestImages.Equal(fixture["image"], RgbPng().Image, "input");
        var resized = new Resize(h, w).Apply(RgbPng(), new Random(0));
        TestImages.EqualUpToRounding(fixture[$"resize_{h}x{w}"], resized.Image, $"resize to {h}x{w}");
    }

    [Fact]
    public void ResizeOfTheShorterEdgeKeepsTheAspectRatio()
    {
        using var scope = TensorScope.Begin();
        var resized = new Resize(8).Apply(RgbPng(), new Random(0));
        Assert.Equal([3L, 8, 11], resized.Image.Shape); // 8 x int(8 * 14 / 10)
        TestImages.EqualUpToRounding(Fixture.Load("transforms")["resize_short8"], resized.Image, "resize shorter edge to 8");
        Assert.Equal((300L, 200L), new Resize(200).OutputSize(600, 400));
        Assert.Equal((250L, 166L), new Resize(200, maxSize: 250).OutputSize(600, 400)); // capped: int(250 * 200 / 300)
    }

    [Fact]
    public void CropsMatchTorchvision()
    {
        using var scope = TensorScope.Begin();
        var fixture = Fixture.Load("transforms");
        var resizedCrop = Geometry.Resize(Geometry.Crop(RgbPng(), 2, 3, 6, 9), 8, 8);
        TestImages.Equal(fixture["resized_crop_2_3_6_9_to_8x8"], resizedCrop.Image, "resized_crop(2, 3, 6, 9) to 8x8");
        TestImages.Equal(fixture["center_crop_7x9"], new CenterCrop(7, 9).Apply(RgbPng(), new Random(0)).Image, "center crop 7x9");
        TestImages.Equal(fixture["center_crop_13x16"], new CenterCrop(13, 16).Apply(RgbPng(), new Random(0)).Image, "center crop 13x16 (padded)");
    }

    [Fact]
    public void ToFloatAndNormalizeMatchTorchvision()
    {
        using var scope = TensorScope.Begin();
        var pipeline = new Compose(new ToFloat(), new Normalize(Normalize.ImageNetMean, Normalize.ImageNetStd));
        var normalized = pipeline.Apply(RgbPng(), new Random(0));
        Assert.Equal(DType.Float32, normalized.Image.DType);
        Expect.Close(Fixture.Load("transforms")["normalized"], normalized.Image, rtol: 1e-6, atol: 1e-6, "normalize");
        var e = Assert.Throws<ArgumentException>(() => new Normalize(Normalize.ImageNetMean, Normalize.ImageNetStd).Apply(RgbPng(), new Random(0)));
        Assert.Contains("put ToFloat before it", e.Message);
    }

    [Fact]
    public void RandomResizedCropSamplesValidRegionsDeterministically()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var region = RandomResizedCrop.SampleRegion(375, 500, new Random(seed));
            Assert.Equal(region, RandomResizedCrop.SampleRegion(375, 500, new Random(seed)));
            var (top, left, h, w) = region;
            Assert.InRange(top, 0, 375 - h);
            Assert.InRange(left, 0, 500 - w);
            double fraction = (double)h * w / (375 * 500), ratio = (double)w / h;
            Assert.InRange(fraction, 0.08 * 0.9, 1.0); // rounding of w and h moves the area a little
            Assert.InRange(ratio, 3.0 / 4 * 0.95, 4.0 / 3 * 1.05);
        }
        // Ten failed attempts (every target area is too tall for a 10-pixel high strip): centre crop at the widest ratio.
        Assert.Equal((0L, 493L, 10L, 13L), RandomResizedCrop.SampleRegion(10, 1000, new Random(1), minScale: 0.9));
        using var scope = TensorScope.Begin();
        Assert.Equal([3L, 8, 8], new RandomResizedCrop(8, 8).Apply(RgbPng(), new Random(5)).Image.Shape);
    }

    [Fact]
    public void RandomCropWithPaddingIsPadThenCropAtTheDrawnPlace()
    {
        using var scope = TensorScope.Begin();
        var cropped = new RandomCrop(10, 14, padding: 4).Apply(RgbPng(), new Random(42));
        var draw = new Random(42);
        long top = draw.NextInt64(0, 18 - 10 + 1), left = draw.NextInt64(0, 22 - 14 + 1);
        var expected = Geometry.Crop(Geometry.Pad(RgbPng(), 4, 4, 4, 4), top, left, 10, 14);
        TestImages.Equal(expected.Image, cropped.Image, "random crop with padding 4");
    }

    static Sample Annotated()
    {
        // A 1 x 4 x 6 image 0..23, a mask of 10 * row + column, one box.
        var image = Tensor.Arange(0, 24).To(DType.UInt8).View(1, 4, 6);
        var mask = (Tensor.Arange(0, 4).View(4, 1) * 10 + Tensor.Arange(0, 6).View(1, 6)).To(DType.UInt8);
        return new Sample(image) { Mask = mask, Boxes = Tensor.From(new float[] { 1, 0, 3, 2 }, 1, 4), BoxLabels = Tensor.From(new long[] { 7 }) };
    }

    [Fact]
    public void FlipsMoveBoxesAndMasksWithTheImage()
    {
        using var scope = TensorScope.Begin();
        var h = Geometry.FlipHorizontal(Annotated());
        Assert.Equal(new float[] { 3, 0, 5, 2 }, h.Boxes!.ToArray<float>());
        Assert.Equal(new byte[] { 5, 4, 3, 2, 1, 0 }, h.Image[0, 0].ToArray<byte>());
        Assert.Equal(new byte[] { 15, 14, 13, 12, 11, 10 }, h.Mask![1].ToArray<byte>());
        Assert.Equal(7, h.BoxLabels!.Item<long>());
        var v = Geometry.FlipVertical(Annotated());
        Assert.Equal(new float[] { 1, 2, 3, 4 }, v.Boxes!.ToArray<float>());
        Assert.Equal(new byte[] { 18, 19, 20, 21, 22, 23 }, v.Image[0, 0].ToArray<byte>());
        Assert.Equal(new byte[] { 30, 31, 32, 33, 34, 35 }, v.Mask![0].ToArray<byte>());
    }

    [Fact]
    public void CropsAndResizesMoveBoxesAndMasks()
    {
        using var scope = TensorScope.Begin();
        // From (-1, 2) for 3 x 3: one padded row on top (mask ignore, image 0), the box shifted by (-2, +1) and clipped.
        var c = Geometry.Crop(Annotated(), -1, 2, 3, 3);
        Assert.Equal(new byte[] { 255, 255, 255, 2, 3, 4, 12, 13, 14 }, c.Mask!.Contiguous().ToArray<byte>());
        Assert.Equal(new byte[] { 0, 0, 0, 2, 3, 4, 8, 9, 10 }, c.Image.Contiguous().ToArray<byte>());
        Assert.Equal(new float[] { 0, 1, 1, 3 }, c.Boxes!.ToArray<float>());
        var r = Geometry.Resize(Annotated(), 8, 3);
        Assert.Equal(new float[] { 0.5f, 0, 1.5f, 4 }, r.Boxes!.ToArray<float>());
        Assert.Equal([8L, 3], r.Mask!.Shape);
        Assert.Equal(new byte[] { 0, 2, 4, 0, 2, 4, 10, 12, 14 }, r.Mask.Contiguous().ToArray<byte>()[..9]); // nearest
    }

    [Fact]
    public void TransformsLeakNothing()
    {
        var before = Tensor.LiveCount;
        using (var scope = TensorScope.Begin())
        {
            var pipeline = new Compose(new RandomResizedCrop(6, 6), new RandomHorizontalFlip(), new RandomVerticalFlip(),
                                       new RandomCrop(6, 6, padding: 2), new ToFloat(), new Normalize([0.5f], [0.25f]));
            for (int i = 0; i < 5; i++) pipeline.Apply(Annotated(), new Random(i));
        }
        Assert.Equal(before, Tensor.LiveCount);
    }
}
