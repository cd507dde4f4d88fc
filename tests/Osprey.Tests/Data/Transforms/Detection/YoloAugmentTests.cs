using Osprey.Data;
using Osprey.Data.Transforms;
using Osprey.Data.Transforms.Detection;

namespace Osprey.Tests.Data.Transforms.Detection;

/// <summary>Property tests: each box's region is painted a colour of its own, and after the transform every pixel of
/// that colour must lie inside the box that kept its label.</summary>
public class YoloAugmentTests
{
    static readonly byte[][] Colours =
    [
        [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [255, 0, 255], [0, 255, 255], [255, 255, 255], [0, 0, 0],
    ];

    /// <summary>A gray image with boxes (x1, y1, x2, y2 integer pixels) filled with Colours[firstLabel + k].</summary>
    static Sample Painted(int width, int height, int[][] boxes, int firstLabel = 0)
    {
        var pixels = new byte[3 * height * width];
        Array.Fill(pixels, (byte)60);
        for (int k = 0; k < boxes.Length; k++)
        {
            var b = boxes[k];
            for (int y = b[1]; y < b[3]; y++)
            for (int x = b[0]; x < b[2]; x++)
                for (int c = 0; c < 3; c++) pixels[c * height * width + y * width + x] = Colours[firstLabel + k][c];
        }
        return new Sample(Tensor.FromBytes(pixels, DType.UInt8, 3, height, width))
        {
            Boxes = Tensor.From(boxes.SelectMany(b => b.Select(v => (float)v)).ToArray(), boxes.Length, 4),
            BoxLabels = Tensor.From(Enumerable.Range(firstLabel, boxes.Length).Select(v => (long)v).ToArray(), boxes.Length),
        };
    }

    /// <summary>Every pixel within 3 levels of a kept label's colour lies in that label's box (give or take 1.5 px,
    /// the reach of bilinear blending); returns how many such pixels were checked.</summary>
    static int AssertBoxesCoverTheirColours(Sample s, string what)
    {
        int h = (int)s.Height, w = (int)s.Width, plane = h * w;
        var pixels = s.Image.ToArray<byte>();
        var boxes = s.Boxes!.ToArray<float>();
        var labels = s.BoxLabels!.ToArray<long>();
        Assert.Equal(labels.Length, labels.Distinct().Count());
        int seen = 0;
        for (int k = 0; k < labels.Length; k++)
        {
            var colour = Colours[labels[k]];
            int inside = 0;
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int at = y * w + x;
                if (Math.Abs(pixels[at] - colour[0]) > 3 || Math.Abs(pixels[plane + at] - colour[1]) > 3 || Math.Abs(pixels[2 * plane + at] - colour[2]) > 3) continue;
                float cx = x + 0.5f, cy = y + 0.5f;
                Assert.True(cx >= boxes[4 * k] - 1.5f && cx <= boxes[4 * k + 2] + 1.5f && cy >= boxes[4 * k + 1] - 1.5f && cy <= boxes[4 * k + 3] + 1.5f,
                    $"{what}: pixel ({x}, {y}) of label {labels[k]} is outside its box [{string.Join(", ", boxes.AsSpan(4 * k, 4).ToArray())}]");
                inside++;
            }
            Assert.True(inside > 0, $"{what}: label {labels[k]} was kept but none of its pixels is left");
            seen += inside;
        }
        return seen;
    }

    static readonly int[][] Three = [[4, 6, 30, 40], [40, 10, 70, 30], [20, 44, 60, 58]];

    [Fact]
    public void RandomPerspectiveMovesBoxesWithThePixels()
    {
        using var scope = TensorScope.Begin();
        var rp = new RandomPerspective { Degrees = 15, Shear = 3, Perspective = 0.0005 };
        int checkedPixels = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            var result = rp.Apply(Painted(80, 64, Three), new Random(seed));
            checkedPixels += AssertBoxesCoverTheirColours(result, $"perspective seed {seed}");
        }
        Assert.True(checkedPixels > 1000);
    }

    [Fact]
    public void LetterBoxAndFlipsMoveBoxesWithThePixels()
    {
        using var scope = TensorScope.Begin();
        var boxed = new LetterBox(100).Apply(Painted(80, 64, Three));
        Assert.Equal([3L, 100, 100], boxed.Image.Shape);
        AssertBoxesCoverTheirColours(boxed, "letterbox");
        AssertBoxesCoverTheirColours(Geometry.FlipHorizontal(boxed), "fliplr");
        AssertBoxesCoverTheirColours(Geometry.FlipVertical(boxed), "flipud");
    }

    [Fact]
    public void MosaicAndTheWholePipelineMoveBoxesWithThePixels()
    {
        using var scope = TensorScope.Begin();
        Sample[] Four() =>
        [
            Painted(64, 48, [[4, 4, 30, 40], [36, 8, 60, 30]], 0), Painted(48, 64, [[4, 4, 40, 20], [10, 30, 44, 60]], 2),
            Painted(64, 64, [[20, 20, 50, 50], [0, 0, 12, 12]], 4), Painted(64, 32, [[2, 2, 62, 30]], 6),
        ];
        for (int seed = 0; seed < 6; seed++)
        {
            var mosaic = Mosaic.Apply(Four(), 64, new Random(seed));
            Assert.Equal([3L, 128, 128], mosaic.Image.Shape);
            AssertBoxesCoverTheirColours(mosaic, $"mosaic seed {seed}");
            var noColourChange = new YoloAugment { HsvH = 0, HsvS = 0, HsvV = 0, Degrees = 5, FlipUD = 0.5 };
            var augmented = noColourChange.Apply(Four(), 64, new Random(seed), mosaic: true);
            Assert.Equal([3L, 64, 64], augmented.Image.Shape);
            AssertBoxesCoverTheirColours(augmented, $"pipeline seed {seed}");
            var single = noColourChange.Apply(Four()[..1], 64, new Random(seed), mosaic: false);
            Assert.Equal([3L, 64, 64], single.Image.Shape);
            AssertBoxesCoverTheirColours(single, $"letterbox pipeline seed {seed}");
        }
    }

    [Fact]
    public void SameSeedSameSampleAnotherSeedAnother()
    {
        using var scope = TensorScope.Begin();
        Sample[] Four() => Enumerable.Range(0, 4).Select(i => Painted(64 + 8 * i, 48, [[4, 4, 30, 40]], i)).ToArray();
        var augment = new YoloAugment();
        var a = augment.Apply(Four(), 64, new Random(7), mosaic: true);
        var b = augment.Apply(Four(), 64, new Random(7), mosaic: true);
        var c = augment.Apply(Four(), 64, new Random(8), mosaic: true);
        Assert.Equal(a.Image.ToBytes(), b.Image.ToBytes());
        Assert.Equal(a.Boxes!.ToArray<float>(), b.Boxes!.ToArray<float>());
        Assert.Equal(a.BoxLabels!.ToArray<long>(), b.BoxLabels!.ToArray<long>());
        Assert.NotEqual(a.Image.ToBytes(), c.Image.ToBytes());
    }

    [Fact]
    public void BoxCandidatesApplyUltralyticsThresholds()
    {
        float[] before = [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 300, 3, 0, 0, 10, 10];
        float[] after = [0, 0, 9, 9, 0, 0, 2, 9, 0, 0, 3, 3, 0, 0, 300, 2.5f, 0, 0, 3.1f, 3.1f];
        // kept: 9x9; too narrow (w = 2 is not > 2); area 9/100 < 0.1; aspect 120 >= 100; 3.1 x 3.1 = 9.61% < 10%.
        Assert.Equal([0], RandomPerspective.BoxCandidates(before, after));
        Assert.Equal([0, 2, 4], RandomPerspective.BoxCandidates(before, after, areaThreshold: 0.01f));
    }

    [Fact]
    public void CloseMosaicTurnsMosaicOffForTheLastTenEpochs()
    {
        var augment = new YoloAugment();
        Assert.True(augment.MosaicOn(89, 100));
        Assert.False(augment.MosaicOn(90, 100));
        Assert.False((augment with { MosaicProbability = 0 }).MosaicOn(0, 100));
    }

    [Fact]
    public void NothingLeaks()
    {
        long before = Tensor.LiveCount;
        using (var scope = TensorScope.Begin())
        {
            var four = Enumerable.Range(0, 4).Select(i => Painted(64, 48, [[4, 4, 30, 40]], i)).ToArray();
            new YoloAugment().Apply(four, 64, new Random(1), mosaic: true);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }
}

public class YoloTrainTransformTests
{
    /// <summary>Image i is a gray 48x64 picture whose one box (class i) covers its left half.</summary>
    internal sealed class Boxes(int count) : IDataset<Sample>
    {
        public int Count => count;

        public Sample Get(int index) => new(Tensor.Full([3, 48, 64], 20 + 10 * index, DType.UInt8))
        {
            Boxes = Tensor.From(new float[] { 0, 0, 32, 48 }, 1, 4),
            BoxLabels = Tensor.From(new long[] { index }, 1),
        };
    }

    [Fact]
    public void MosaicCombinesFourSamplesUntilCloseMosaicAndIsReproducible()
    {
        using var scope = TensorScope.Begin();
        var dataset = new MultiSampleDataset(new Boxes(20), new YoloTrainTransform(new YoloAugment { FlipLR = 0 }, 64, epochs: 12));
        var labelsSeen = new HashSet<long>();
        for (int index = 0; index < 8; index++)
        {
            var a = dataset.Get(new SampleContext(index, 0, SeedMix.Generator(5, 0, index)));
            var b = dataset.Get(new SampleContext(index, 0, SeedMix.Generator(5, 0, index)));
            Assert.Equal([3L, 64, 64], a.Image.Shape);
            Assert.Equal(a.Image.ToBytes(), b.Image.ToBytes());
            Assert.Equal(a.BoxLabels!.ToArray<long>(), b.BoxLabels!.ToArray<long>());
            labelsSeen.UnionWith(a.BoxLabels!.ToArray<long>());
            // Epoch 2 of 12 is within the last close_mosaic = 10: the sample's own box only.
            var late = dataset.Get(new SampleContext(index, 2, SeedMix.Generator(5, 2, index)));
            Assert.Equal([3L, 64, 64], late.Image.Shape);
            Assert.All(late.BoxLabels!.ToArray<long>(), l => Assert.Equal(index, l));
        }
        Assert.True(labelsSeen.Count > 8, $"mosaic should bring in partners' boxes, saw labels {string.Join(", ", labelsSeen)}");
    }
}
