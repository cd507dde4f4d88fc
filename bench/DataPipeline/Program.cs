// Images per second of the classification training pipeline alone (decode JPEG, torchvision's RandomResizedCrop 224
// + horizontal flip, to float, normalize, stack into batches of 32) through Osprey's DataLoader, no model.
// bench/data_pipeline_torch.py is the torchvision twin; bench/data_pipeline.sh runs both.
// Usage: DataPipeline ROOT WORKERS EPOCHS DECODE     ROOT: a folder of class folders of images; WORKERS 0 = batches
//   built on the consuming thread; DECODE region (the loader decodes only each crop's region, as osprey train does)
//   or whole (the dataset hidden behind a wrapper, so every image is decoded whole, then cropped). libtorch runs on
//   one intra-op thread (as each torchvision DataLoader worker does); one warm-up epoch first.
using System.Diagnostics;
using System.Globalization;
using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Torch;
using Osprey.Training;
using Osprey.Training.Classification;

if (args.Length != 4 || args[3] is not ("region" or "whole"))
{
    Console.Error.WriteLine("usage: DataPipeline ROOT WORKERS EPOCHS region|whole");
    return 2;
}
var (root, workers, epochs, decode) = (args[0], int.Parse(args[1]), int.Parse(args[2]), args[3]);
LibTorch.Threads = 1;
var folder = new ImageFolderDataset(root, ImageReadMode.Rgb);
IDataset<Sample> dataset = decode == "region" ? folder : new WholeImages(folder);
var transform = ClassificationSource.TrainTransform(224, new TrainOptions { Scale = 0.08, Fliplr = 0.5 }, Normalize.ImageNetMean, Normalize.ImageNetStd);
var loader = new DataLoader(dataset, transform, new LoaderOptions { BatchSize = 32, Workers = workers, Seed = 0 });
long Run(int epoch)
{
    long images = 0;
    foreach (var b in loader.Epoch(epoch))
        using (b)
            images += b.Count;
    return images;
}
Run(0);
var clock = Stopwatch.StartNew();
long total = 0;
for (int e = 1; e <= epochs; e++) total += Run(e);
double seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"osprey-{decode} workers {workers}: {total / seconds:F1} images/s ({total} images in {seconds:F2} s)"));
return 0;

sealed class WholeImages(IDataset<Sample> inner) : IDataset<Sample>
{
    public int Count => inner.Count;
    public Sample Get(int index) => inner.Get(index);
}
