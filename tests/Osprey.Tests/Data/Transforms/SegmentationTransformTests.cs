using Osprey.Data;
using Osprey.Data.Transforms;
using Osprey.Torch.NN;

namespace Osprey.Tests.Data.Transforms;

/// <summary>Property tests: the PSPNet-paper augmentations move image and mask together.</summary>
public class SegmentationTransformTests
{
    const int Block = 12;

    /// <summary>Blocks of classes 0..4 (ids vary by block); every image channel holds 40 (class + 1), so a pixel's
    /// colour says which class it belongs to.</summary>
    static Sample Blocks(int height = 48, int width = 60)
    {
        using var scope = TensorScope.Begin();
        var ids = new byte[height * width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) ids[y * width + x] = (byte)((y / Block * 3 + x / Block) % 5);
        var mask = Tensor.From(ids, height, width);
        var image = ((mask.Float() + 1) * 40).To(DType.UInt8).Unsqueeze(0).Expand(3, height, width).Contiguous();
        return new Sample(scope.Keep(image)) { Mask = scope.Keep(mask) };
    }

    static ITransform PaperPipeline(long crop) => new Compose(
        new RandomScale(0.5, 2.0), new RandomRotation(10, p: 1.0), new RandomGaussianBlur(5, p: 1.0),
        new RandomHorizontalFlip(), new RandomCropPadded(crop, crop));

    /// <summary>Pixels whose (2r + 1)^2 neighbourhood in the mask holds one class (no ignore, not beyond the border,
    /// where a bilinear read blends with the outside).</summary>
    static Tensor Interior(Tensor mask, int r)
    {
        var m = Functional.Pad(mask.Float().Unsqueeze(0).Unsqueeze(0), [r, r, r, r], value: 255);
        var max = Functional.MaxPool2d(m, 2 * r + 1, 1);
        var min = -Functional.MaxPool2d(-m, 2 * r + 1, 1);
        return (max.Eq(min) & max.Ne(255)).Squeeze(0).Squeeze(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void APixelsClassFollowsThePixel(int seed)
    {
        using var scope = TensorScope.Begin();
        var result = PaperPipeline(40).Apply(Blocks(), new Random(seed));
        Assert.Equal([3L, 40, 40], result.Image.Shape);
        Assert.Equal([40L, 40], result.Mask!.Shape);
        var mask = result.Mask.Long();
        Assert.True(mask.Ne(255).Sum().Item<long>() > 0);
        // Every mask value is an original class or ignore: nearest neighbour never blends ids.
        Assert.True((mask.Le(4) | mask.Eq(255)).All().Item<bool>());
        // Away from class edges (bilinear image and blur mix neighbours there), the colour names the mask's class.
        var interior = Interior(result.Mask, 3);
        long inside = interior.Sum().Item<long>();
        Assert.True(inside > 100, $"only {inside} interior pixels");
        var expected = (mask.Float() + 1) * 40;
        var error = (result.Image[0].Float() - expected).Abs().MaskedSelect(interior).Max().Item<float>();
        // Classes differ by 40; bilinear scale, rotation and blur each round to uint8 and read up to 2 pixels away.
        Assert.True(error <= 2, $"seed {seed}: colour differs from 40 (class + 1) by {error} inside class regions");
    }

    [Fact]
    public void PaddingIsIgnoreAndTheMeanColour()
    {
        using var scope = TensorScope.Begin();
        var small = Blocks(10, 12);
        var crop = new RandomCropPadded(16, 20).Apply(small, new Random(3));
        var ignored = crop.Mask!.Eq(255);
        Assert.Equal(16 * 20 - 10 * 12, ignored.Sum().Item<long>());
        // Padded evenly: rows 3..12, columns 4..15 hold the image unchanged.
        TestImages.Equal(small.Image, crop.Image.Narrow(1, 3, 10).Narrow(2, 4, 12).Contiguous(), "the image inside the padding");
        TestImages.Equal(small.Mask!, crop.Mask.Narrow(0, 3, 10).Narrow(1, 4, 12).Contiguous(), "the mask inside the padding");
        Assert.Equal(new byte[] { 124, 116, 104 }, crop.Image.Index(TensorIndex.All, 0, 0).ToArray<byte>()); // round(255 * ImageNet mean)

        // Rotation: the corners read from outside the image become ignore; the image there is the fill colour.
        var rotated = RandomRotation.Rotate(Blocks(), 10 * Math.PI / 180, [10, 20, 30]);
        var outside = rotated.Mask!.Eq(255);
        Assert.True(outside.Sum().Item<long>() > 50);
        Assert.False(rotated.Mask.Narrow(0, 14, 20).Narrow(1, 20, 20).Eq(255).Any().Item<bool>()); // the centre stays labelled
        var labelled = rotated.Mask.Ne(255).Float().Unsqueeze(0).Unsqueeze(0);
        var deepOutside = Functional.MaxPool2d(labelled, 3, 1, 1).Squeeze(0).Squeeze(0).Eq(0); // 3x3 all-ignore
        Assert.Equal(new float[] { 10, 20, 30 }, rotated.Image.Float().Index(TensorIndex.All, deepOutside).AMax([1]).ToArray<float>());
        Assert.Equal(new float[] { 10, 20, 30 }, rotated.Image.Float().Index(TensorIndex.All, deepOutside).AMin([1]).ToArray<float>());
    }

    [Fact]
    public void RotationByZeroAndScaleByOneChangeNothing()
    {
        using var scope = TensorScope.Begin();
        var blocks = Blocks();
        var same = RandomRotation.Rotate(blocks, 0, SegmentationFill.ImageNetMean);
        TestImages.Equal(blocks.Image, same.Image, "image rotated by 0");
        TestImages.Equal(blocks.Mask!, same.Mask!, "mask rotated by 0");
        var scaled = new RandomScale(1, 1).Apply(blocks, new Random(0));
        TestImages.Equal(blocks.Mask!, scaled.Mask!, "mask scaled by 1");
        // 90 degrees: exact permutation of the pixels (counter-clockwise on screen), checked on a square.
        var square = Blocks(36, 36);
        var quarter = RandomRotation.Rotate(square, Math.PI / 2, SegmentationFill.ImageNetMean);
        TestImages.Equal(square.Mask!.Transpose(0, 1).Flip(0).Contiguous(), quarter.Mask!, "mask rotated by 90 degrees");
    }

    [Fact]
    public void BlurKeepsTheMaskAndConstantRegions()
    {
        using var scope = TensorScope.Begin();
        var blocks = Blocks();
        var blurred = RandomGaussianBlur.Blur(blocks, 5);
        Assert.Same(blocks.Mask, blurred.Mask);
        var interior = Interior(blocks.Mask!, 2);
        Assert.True((blurred.Image[0].Eq(blocks.Image[0]) | interior.LogicalNot()).All().Item<bool>());
        Assert.True(blurred.Image[0].Ne(blocks.Image[0]).Any().Item<bool>()); // edges are smoothed
        // OpenCV's 5-tap kernel is [1 4 6 4 1] / 16: an impulse keeps (6/16)^2 at its centre, (1/16)^2 at the corners.
        var impulse = RandomGaussianBlur.Blur(new Sample(Tensor.Zeros([1, 9, 9]).IndexPut([0, 4, 4], 1024.0)), 5).Image;
        Assert.Equal(144f, impulse[0, 4, 4].Item<float>(), 3);
        Assert.Equal(4f, impulse[0, 2, 2].Item<float>(), 3);
        Assert.Equal(0f, impulse[0, 1, 4].Item<float>());
    }

    [Fact]
    public void ElasticDeformationMovesImageAndMaskTogether()
    {
        using var scope = TensorScope.Begin();
        var deformed = new ElasticDeformation(3, 10).Apply(Blocks(), new Random(7));
        var mask = deformed.Mask!.Long();
        Assert.False(mask.Eq(255).Any().Item<bool>());   // mirrored borders: nothing is ignore
        Assert.True(mask.Ne(Blocks().Mask!.Long()).Any().Item<bool>());
        var interior = Interior(deformed.Mask, 2);
        var error = (deformed.Image[0].Float() - (mask.Float() + 1) * 40).Abs().MaskedSelect(interior).Max().Item<float>();
        Assert.True(error <= 1, $"colour differs from the class by {error}");
    }

    [Fact]
    public void SameSeedSameResultOnAnyThread()
    {
        var pipeline = new Compose(PaperPipeline(32), new ElasticDeformation());
        byte[][] Run(bool parallel)
        {
            var results = new byte[8][];
            void One(int i)
            {
                using var scope = TensorScope.Begin();
                var s = pipeline.Apply(Blocks(), new Random(100 + i));
                results[i] = s.Image.ToBytes().Concat(s.Mask!.ToBytes()).ToArray();
            }
            if (parallel) Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, One);
            else for (int i = 0; i < 8; i++) One(i);
            return results;
        }
        var sequential = Run(false);
        var threaded = Run(true);
        for (int i = 0; i < 8; i++) Assert.Equal(sequential[i], threaded[i]);
        Assert.NotEqual(sequential[0], sequential[1]);
    }

    [Fact]
    public void WarpsRefuseBoxes()
    {
        using var scope = TensorScope.Begin();
        var withBoxes = Blocks() with { Boxes = Tensor.Zeros([1, 4]), Source = "a.png" };
        Assert.Contains("not boxes (a.png)", Assert.Throws<ArgumentException>(() => RandomRotation.Rotate(withBoxes, 0.1, SegmentationFill.ImageNetMean)).Message);
    }
}

public class SegmentationPipelineTests
{
    [Fact]
    public void TrainPipelineGivesNormalizedCropsTheCollateAndLossTakeWithoutLeaks()
    {
        var voc = Osprey.Data.Datasets.Segmentation.VocSegmentation.Open(
            Osprey.Tests.Data.Datasets.Segmentation.SegmentationFiles.LabelmeVoc, split: null);
        var pipeline = SegmentationPipelines.Train(96, Normalize.ImageNetMean, Normalize.ImageNetStd, elastic: true);
        long before = Tensor.LiveCount;
        using (var scope = TensorScope.Begin())
        {
            var samples = Enumerable.Range(0, 3).Select(i => pipeline.Apply(voc.Get(i), new Random(i))).ToArray();
            foreach (var s in samples)
            {
                Assert.Equal([3L, 96, 96], s.Image.Shape);
                Assert.Equal(DType.Float32, s.Image.DType);
                var ids = s.Mask!.Long();
                Assert.True((ids.Le(20) | ids.Eq(255)).All().Item<bool>());
            }
            using var batch = PadCollate.Instance.Collate(0, [0, 1, 2], samples);
            Assert.Equal([3L, 96, 96], batch.Masks!.Shape);
            Assert.Equal([3L, 3, 96, 96], batch.Images.Shape);
            var loss = new Osprey.Models.Segmentation.Losses.SegmentationCrossEntropy().Compute(Tensor.Zeros([3, 21, 96, 96]), batch.Masks);
            Assert.Equal(Math.Log(21), loss.Item<float>(), 4);   // uniform logits: log(classes) over the labelled pixels
        }
        Assert.Equal(before, Tensor.LiveCount);
    }
}

public class OpenCvParityTests
{
    [Fact]
    public void BlurMatchesOpenCvGaussianBlur5x5()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation_transforms");   // tools/reference/segmentation_transforms_reference.py
        var blurred = RandomGaussianBlur.Blur(new Sample(f["blur_input"]), 5);
        Expect.Close(f["blur_5x5"], blurred.Image, 1e-6, 1e-6, "cv2.GaussianBlur(image, (5, 5), 0)");
    }

    [Theory]
    [InlineData(7.5)]
    [InlineData(-10.0)]
    public void RotationMatchesOpenCvWarpAffine(double degrees)
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation_transforms");
        var sample = new Sample(f["rotate_image"]) { Mask = f["rotate_label"] };
        var rotated = RandomRotation.Rotate(sample, degrees * Math.PI / 180, [124, 116, 104]);
        var key = degrees.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        // OpenCV quantizes source coordinates and bilinear weights to 1/32 pixel: measured 1.48 of 194 at most (at the
        // border, where the fill colour blends in), so 1% of the scale.
        Expect.Close(f[$"rotate_{key}_image"], rotated.Image, 0.01, 0, $"cv2.warpAffine INTER_LINEAR, {degrees} degrees");
        TestImages.Equal(f[$"rotate_{key}_label"], rotated.Mask!, "cv2.warpAffine INTER_NEAREST label, border 255");
    }
}
