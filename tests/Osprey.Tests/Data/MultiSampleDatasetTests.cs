using Osprey.Data;
using Osprey.Data.Transforms;

namespace Osprey.Tests.Data;

public class MultiSampleDatasetTests
{
    /// <summary>Sample i: a 1 x 4 x 4 image filled with i.</summary>
    sealed class Filled(int count) : IDataset<Sample>
    {
        public int Count => count;
        public Sample Get(int index) => new(Tensor.Full([1, 4, 4], index, DType.UInt8)) { Label = index, Source = $"filled[{index}]" };
    }

    /// <summary>A mosaic-like transform: the sample's image and three others, drawn with the context's generator, tiled 2x2.</summary>
    sealed class FourTiles : IMultiSampleTransform
    {
        public Sample Apply(IDataset<Sample> dataset, SampleContext context)
        {
            int[] picks = [context.Index, .. Enumerable.Range(0, 3).Select(_ => context.Random.Next(dataset.Count))];
            var images = picks.Select(i => dataset.Get(i).Image).ToArray();
            var top = Tensor.Cat([images[0], images[1]], 2);
            var bottom = Tensor.Cat([images[2], images[3]], 2);
            return new Sample(Tensor.Cat([top, bottom], 1)) { Label = context.Index };
        }
    }

    static List<(int[] Indices, float[] Pixels)> Run(IDataset<Sample> dataset, int workers, int epoch)
    {
        // The transform after the mosaic draws from the same generator: flips must follow the mosaic's draws.
        var loader = new DataLoader(dataset, new Compose(new RandomHorizontalFlip(), new ToFloat()),
                                    new LoaderOptions { BatchSize = 3, Seed = 11, Workers = workers, Prefetch = 2 });
        var result = new List<(int[], float[])>();
        foreach (var batch in loader.Epoch(epoch))
            using (batch)
                result.Add((batch.Indices.ToArray(), batch.Images.ToArray<float>()));
        return result;
    }

    [Fact]
    public void AMosaicReadingThreeOtherSamplesIsTheSameWithZeroAndTwoWorkers()
    {
        var dataset = new MultiSampleDataset(new Filled(10), new FourTiles());
        var inline = Run(dataset, workers: 0, epoch: 1);
        var threaded = Run(dataset, workers: 2, epoch: 1);
        Assert.Equal(inline.Select(b => b.Indices), threaded.Select(b => b.Indices));
        Assert.Equal(inline.Select(b => b.Pixels), threaded.Select(b => b.Pixels));

        // Each image is 8x8 of four 4x4 tiles; the sample's own tile is one of its corners (flips move it along a row).
        var first = inline[0];
        for (int k = 0; k < first.Indices.Length; k++)
        {
            var pixels = first.Pixels.AsSpan(k * 64, 64).ToArray();
            float[] corners = [pixels[0], pixels[7]];
            Assert.Contains(first.Indices[k] / 255f, corners);   // ToFloat scales to [0, 1]
        }
        // Another epoch draws other partners.
        Assert.NotEqual(inline.SelectMany(b => b.Pixels), Run(dataset, workers: 0, epoch: 2).SelectMany(b => b.Pixels));
    }

    [Fact]
    public void ADisabledEpochServesThePlainSample()
    {
        var dataset = new MultiSampleDataset(new Filled(4), new FourTiles(), enabled: epoch => epoch < 1);
        var batch = Run(dataset, workers: 0, epoch: 1)[0];
        Assert.Equal(3 * 16, batch.Pixels.Length);   // 4x4 images: no mosaic
        for (int k = 0; k < 3; k++) Assert.All(batch.Pixels.AsSpan(k * 16, 16).ToArray(), p => Assert.Equal(batch.Indices[k] / 255f, p));
    }
}
