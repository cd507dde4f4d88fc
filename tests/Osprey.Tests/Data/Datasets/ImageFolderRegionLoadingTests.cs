using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Data.Transforms;

using Osprey.Tests.Data;

namespace Osprey.Tests.Data.Datasets;

/// <summary>A random-resized-crop pipeline through the loader decodes only each crop's region; the batches are the
/// ones the whole decode gives, bit for bit, with and without workers.</summary>
public class ImageFolderRegionLoadingTests
{
    sealed class WholeImagesOnly(IDataset<Sample> inner) : IDataset<Sample>
    {
        public int Count => inner.Count;
        public Sample Get(int index) => inner.Get(index);
    }

    sealed class CountedRegions(IRegionDataset inner) : IRegionDataset
    {
        public int Regions;
        public int Count => inner.Count;
        public Sample Get(int index) => throw new InvalidOperationException("the loader should ask for a region");
        public Sample Get(int index, Func<long, long, PixelRegion> choose)
        {
            Interlocked.Increment(ref Regions);
            return inner.Get(index, choose);
        }
    }

    [Fact]
    public void RegionDecodedBatchesEqualWholeDecodedBatches()
    {
        using var dir = new TempFolder();
        var photos = Directory.EnumerateFiles("/usr/share/doc/labelme-examples/examples", "*.jpg", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(6).ToArray();
        for (int i = 0; i < photos.Length; i++) dir.Write($"{(i % 2 == 0 ? "a" : "b")}/{i}.jpg", File.ReadAllBytes(photos[i]));
        dir.CopyImage("exif6.jpg", "a/rotated.jpg");
        dir.CopyImage("rgb.png", "b/png.png");
        var dataset = new ImageFolderDataset(dir.Root);
        Assert.Equal(8, dataset.Count);
        var transform = new Compose(new RandomResizedCrop(64, 48), new RandomHorizontalFlip(), new ToFloat(),
                                    new Normalize(Normalize.ImageNetMean, Normalize.ImageNetStd));
        Assert.NotNull(ICropFirstTransform.Of(transform));
        foreach (int workers in new[] { 0, 2 })
        {
            var options = new LoaderOptions { BatchSize = 3, Seed = 5, Workers = workers };
            for (int epoch = 0; epoch < 2; epoch++)
            {
                var wholes = new DataLoader(new WholeImagesOnly(dataset), transform, options).Epoch(epoch).ToArray();
                var all = Enumerable.Range(0, dataset.Count).ToArray();
                // The folder's regions; a subset forwarding them; a subset of a dataset without regions (whole, then cropped).
                var counted = new CountedRegions(dataset);
                foreach (IDataset<Sample> source in new IDataset<Sample>[] { counted, new Subset(dataset, all), new Subset(new WholeImagesOnly(dataset), all) })
                {
                    var regions = new DataLoader(source, transform, options).Epoch(epoch).ToArray();
                    Assert.Equal(3, regions.Length);
                    for (int b = 0; b < regions.Length; b++)
                    {
                        Assert.Equal(wholes[b].Indices, regions[b].Indices);
                        Assert.Equal(0f, (regions[b].Images - wholes[b].Images).Abs().Max().Item<float>());
                        Assert.Equal(wholes[b].Labels.ToArray<long>(), regions[b].Labels.ToArray<long>());
                    }
                    foreach (var b in regions) b.Dispose();
                }
                Assert.Equal(8, counted.Regions);
                foreach (var b in wholes) b.Dispose();
            }
        }
    }

    [Fact]
    public void ClassificationTrainingCropsFirstOnlyWithARandomResizedCrop()
    {
        var (mean, std) = (Normalize.ImageNetMean, Normalize.ImageNetStd);
        var options = new Osprey.Training.TrainOptions { Scale = 0.08 };
        Assert.NotNull(ICropFirstTransform.Of(Osprey.Training.Classification.ClassificationSource.TrainTransform(224, options, mean, std)));
        // scale 1 is a plain resize of the whole image: nothing to crop before decoding.
        Assert.Null(ICropFirstTransform.Of(Osprey.Training.Classification.ClassificationSource.TrainTransform(224, options with { Scale = 1 }, mean, std)));
    }
}
