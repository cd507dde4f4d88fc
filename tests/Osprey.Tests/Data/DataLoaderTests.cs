using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Data.Images;
using Osprey.Data.Transforms;

namespace Osprey.Tests.Data;

public class DataLoaderTests
{
    /// <summary>Sample i: a 3 x 12 x 16 uint8 image whose pixels depend on i, label i % 5.</summary>
    sealed class Synthetic(int count) : IDataset<Sample>
    {
        public int Count => count;

        public Sample Get(int index)
        {
            var pixels = Enumerable.Range(0, 3 * 12 * 16).Select(p => (byte)((p * 5 + index * 37) % 251)).ToArray();
            return new Sample(Tensor.From(pixels, 3, 12, 16)) { Label = index % 5, Source = $"synthetic[{index}]" };
        }
    }

    static readonly ITransform Augment = new Compose(new RandomResizedCrop(8, 8), new RandomHorizontalFlip(), new ToFloat());

    static List<(int[] Indices, float[] Pixels, long[] Labels)> Run(IDataset<Sample> dataset, LoaderOptions options, int epoch = 0)
    {
        var result = new List<(int[], float[], long[])>();
        foreach (var batch in new DataLoader(dataset, Augment, options).Epoch(epoch))
            using (batch)
                result.Add((batch.Indices.ToArray(), batch.Images.ToArray<float>(), batch.Labels.ToArray<long>()));
        return result;
    }

    static void Same(List<(int[] Indices, float[] Pixels, long[] Labels)> a, List<(int[] Indices, float[] Pixels, long[] Labels)> b)
    {
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Indices, b[i].Indices);
            Assert.Equal(a[i].Pixels, b[i].Pixels);
            Assert.Equal(a[i].Labels, b[i].Labels);
        }
    }

    [Fact]
    public void SameSeedGivesSameOrderAndPixelsWithAndWithoutWorkers()
    {
        var dataset = new Synthetic(23);
        var options = new LoaderOptions { BatchSize = 4, Seed = 7 };
        var inline = Run(dataset, options);
        var twoWorkers = Run(dataset, options with { Workers = 2, Prefetch = 2 });
        var again = Run(dataset, options with { Workers = 2, Prefetch = 3 });
        Same(inline, twoWorkers);
        Same(inline, again);

        Assert.Equal(6, inline.Count); // 23 = 5 x 4 + 3: the partial batch is kept
        Assert.Equal(3, inline[^1].Indices.Length);
        var served = inline.SelectMany(b => b.Indices).ToArray();
        Assert.Equal(Enumerable.Range(0, 23), served.Order()); // a permutation
        Assert.NotEqual(Enumerable.Range(0, 23), served); // shuffled
        foreach (var (indices, _, labels) in inline) Assert.Equal(indices.Select(i => (long)(i % 5)), labels);

        var otherSeed = Run(dataset, options with { Seed = 8 }).SelectMany(b => b.Indices);
        Assert.NotEqual(served, otherSeed);
        var nextEpoch = Run(dataset, options, epoch: 1).SelectMany(b => b.Indices);
        Assert.NotEqual(served, nextEpoch);
    }

    [Fact]
    public void EachSampleIsTransformedWithTheGeneratorOfItsSeedEpochAndIndex()
    {
        var dataset = new Synthetic(6);
        var loader = new DataLoader(dataset, Augment, new LoaderOptions { BatchSize = 3, Seed = 11, Workers = 2 });
        using var batch = loader.Epoch(3).First();
        Assert.Equal([3L, 3, 8, 8], batch.Images.Shape);
        Assert.Equal(DType.Float32, batch.Images.DType);
        using var scope = TensorScope.Begin();
        for (int k = 0; k < batch.Count; k++)
        {
            int index = batch.Indices[k];
            var alone = Augment.Apply(dataset.Get(index), SeedMix.Generator(11, 3, index));
            TestImages.Equal(alone.Image, batch.Images[k], $"sample {index} in the batch");
        }
    }

    [Fact]
    public void LastPartialBatchCanBeDroppedAndOrderCanBeFixed()
    {
        var dataset = new Synthetic(10);
        var kept = Run(dataset, new LoaderOptions { BatchSize = 4, Shuffle = false });
        Assert.Equal([4, 4, 2], kept.Select(b => b.Indices.Length));
        Assert.Equal(Enumerable.Range(0, 10), kept.SelectMany(b => b.Indices));
        var dropped = Run(dataset, new LoaderOptions { BatchSize = 4, Shuffle = false, DropLast = true, Workers = 2 });
        Assert.Equal([4, 4], dropped.Select(b => b.Indices.Length));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void AnEpochLeaksNoTensorsEvenWhenLeftEarly(int workers)
    {
        var dataset = new Synthetic(17);
        var loader = new DataLoader(dataset, Augment, new LoaderOptions { BatchSize = 4, Seed = 1, Workers = workers, Prefetch = 3 });
        var before = Tensor.LiveCount;
        int batches = 0;
        foreach (var batch in loader.Epoch(0))
            using (batch)
                batches++;
        Assert.Equal(5, batches);
        Assert.Equal(before, Tensor.LiveCount);

        foreach (var batch in loader.Epoch(1))
        {
            batch.Dispose();
            break; // the workers have built batches ahead: leaving must dispose them
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void ImageFolderThroughWorkersReportsTheCorruptFile()
    {
        using var dir = new TempFolder();
        dir.CopyImage("rgb.png", "a/1.png");
        dir.CopyImage("rgb.jpg", "a/2.jpg");
        dir.CopyImage("gray.png", "b/1.png");
        var corrupt = dir.CopyImage("truncated.jpg", "b/2.jpg");
        var folder = new ImageFolderDataset(dir.Root);
        var transform = new Compose(new Resize(6, 6), new ToFloat());
        var loader = new DataLoader(folder, transform, new LoaderOptions { BatchSize = 2, Shuffle = false, Workers = 2 });
        var before = Tensor.LiveCount;
        var e = Assert.Throws<ImageDecodeException>(() =>
        {
            foreach (var batch in loader.Epoch(0)) batch.Dispose();
        });
        Assert.Contains(corrupt, e.Message);
        Assert.Equal(before, Tensor.LiveCount);

        using var first = new DataLoader(folder, transform, new LoaderOptions { BatchSize = 2, Shuffle = false }).Epoch(0).First();
        Assert.Equal([2L, 3, 6, 6], first.Images.Shape);
        Assert.Equal(new long[] { 0, 0 }, first.Labels.ToArray<long>());
    }

    [Fact]
    public void UnconvertedOrMismatchedImagesAreClearErrors()
    {
        var dataset = new Synthetic(4);
        var raw = new DataLoader(dataset, null, new LoaderOptions { BatchSize = 2, Shuffle = false });
        var e = Assert.Throws<InvalidOperationException>(() => raw.Epoch(0).First().Dispose());
        Assert.Contains("sample 0 (synthetic[0]) has a uint8 image", e.Message);
        Assert.Contains("ToFloat()", e.Message);
    }
}
