using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Data.Images;
using Osprey.Data.Transforms;

namespace Osprey.Training.Classification;

/// <summary>
/// Where classification data comes from: <c>fashion-mnist</c> (Debian's package, or <c>fashion-mnist:&lt;dir&gt;</c>),
/// <c>mnist:&lt;dir&gt;</c> (idx files), or an ImageNet-style folder with <c>train/</c> and <c>val/</c> (or <c>test/</c>)
/// sub-folders of class folders. Gives the splits, the class names, the channel count, the native image side (idx
/// data) and the normalization statistics.
/// </summary>
public sealed record ClassificationSource(IClassificationDataset Train, IClassificationDataset Val, long InChannels, int? NativeSize,
                                          float[] Mean, float[] Std, string Description)
{
    // Per-channel statistics of the training splits (the usual published values).
    static readonly float[] FashionMean = [0.2860f], FashionStd = [0.3530f], MnistMean = [0.1307f], MnistStd = [0.3081f];

    public static ClassificationSource Open(string spec)
    {
        if (spec == "fashion-mnist" || spec.StartsWith("fashion-mnist:", StringComparison.Ordinal))
        {
            var dir = spec.Length > "fashion-mnist".Length ? spec["fashion-mnist:".Length..] : FashionMnist.DefaultDirectory;
            var train = FashionMnist.Train(dir);
            return new(train, FashionMnist.Test(dir), 1, train.Rows, FashionMean, FashionStd, $"Fashion-MNIST ({dir})");
        }
        if (spec.StartsWith("mnist:", StringComparison.Ordinal))
        {
            var dir = spec["mnist:".Length..];
            var train = FashionMnist.Mnist(dir, train: true);
            return new(train, FashionMnist.Mnist(dir, train: false), 1, train.Rows, MnistMean, MnistStd, $"MNIST ({dir})");
        }
        if (!Directory.Exists(spec))
            throw new DirectoryNotFoundException(File.Exists(spec)
                ? $"data '{spec}' is a file; expected fashion-mnist, mnist:<dir>, or a folder with train/ and val/ class folders"
                : $"data '{spec}' does not exist (expected fashion-mnist, mnist:<dir>, or a folder with train/ and val/ class folders)");
        var trainDir = Path.Combine(spec, "train");
        var valDir = new[] { "val", "test" }.Select(s => Path.Combine(spec, s)).FirstOrDefault(Directory.Exists);
        if (!Directory.Exists(trainDir) || valDir is null)
            throw new DirectoryNotFoundException($"data folder {spec} must hold train/ and val/ (or test/) sub-folders of class folders; " +
                                                 $"found {(Directory.Exists(trainDir) ? "train/ only" : valDir is null ? "neither" : "no train/")}");
        var trainSet = new ImageFolderDataset(trainDir, ImageReadMode.Rgb);
        var valSet = new ImageFolderDataset(valDir, ImageReadMode.Rgb);
        if (!trainSet.Classes.SequenceEqual(valSet.Classes))
            throw new InvalidDataException($"data folder {spec}: {valDir} has classes [{string.Join(", ", valSet.Classes)}], " +
                                           $"{trainDir} has [{string.Join(", ", trainSet.Classes)}]; they must be the same");
        return new(trainSet, valSet, 3, null, Normalize.ImageNetMean, Normalize.ImageNetStd, $"image folders ({Path.GetFullPath(spec)})");
    }

    /// <summary>The transforms prediction uses: square resize, float, normalize (as validation).</summary>
    public static ITransform EvalTransform(int size, float[] mean, float[] std) =>
        new Compose(new Resize(size, size), new ToFloat(), new Normalize(mean, std));

    /// <summary>Training augmentation: random-resized crop (scale &lt; 1) or resize, pad + random crop, horizontal flip.</summary>
    public static ITransform TrainTransform(int size, TrainOptions o, float[] mean, float[] std)
    {
        var steps = new List<ITransform>
        {
            o.Scale < 1 ? new RandomResizedCrop(size, size, o.Scale, 1.0) : new Resize(size, size),
        };
        if (o.CropPad > 0) steps.Add(new RandomCrop(size, size, o.CropPad));
        if (o.Fliplr > 0) steps.Add(new RandomHorizontalFlip(o.Fliplr));
        steps.Add(new ToFloat());
        steps.Add(new Normalize(mean, std));
        return new Compose(steps.ToArray());
    }
}
