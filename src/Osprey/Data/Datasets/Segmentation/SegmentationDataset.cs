using Osprey.Data.Images;
using Osprey.Torch;

namespace Osprey.Data.Datasets.Segmentation;

/// <summary>An image and the mask file that labels it, pixel for pixel.</summary>
public sealed record MaskPair(string Image, string Mask);

/// <summary>A dataset of images with per-pixel class masks; class names and colours travel with it (index = class id).</summary>
public interface ISegmentationDataset : IDataset<Sample>
{
    IReadOnlyList<string> Classes { get; }
    /// <summary>One RGB colour per class, for drawing masks and writing palette PNGs.</summary>
    IReadOnlyList<Rgb> Palette { get; }
    /// <summary>The mask value of unlabelled pixels (255).</summary>
    int IgnoreIndex { get; }
}

/// <summary>
/// Image + mask pairs read on demand: <see cref="Get"/> decodes the image as RGB (CHW uint8) and the mask's raw stored
/// values (palette indices or gray levels, never colours), checks that both have the same size, and maps the stored
/// values to class ids through <see cref="MaskLabels"/> (uint8 (H, W), ignore = <see cref="IgnoreIndex"/>). The layouts
/// (<see cref="VocSegmentation"/>, <see cref="Ade20kSegmentation"/>, <see cref="CityscapesSegmentation"/>,
/// <see cref="FolderSegmentation"/>) find the pairs when the dataset is opened, so a missing file fails before training.
/// </summary>
public sealed class SegmentationDataset : ISegmentationDataset
{
    readonly MaskPair[] pairs;

    public string Name { get; }
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<Rgb> Palette { get; }
    public MaskLabels Labels { get; }
    public int IgnoreIndex => Labels.IgnoreIndex;
    public int Count => pairs.Length;
    public IReadOnlyList<MaskPair> Pairs => pairs;

    public SegmentationDataset(string name, IReadOnlyList<MaskPair> pairs, IReadOnlyList<string> classes, IReadOnlyList<Rgb> palette, MaskLabels labels)
    {
        if (pairs.Count == 0) throw new InvalidDataException($"{name}: no image/mask pairs found");
        if (classes.Count != labels.Classes)
            throw new ArgumentException($"{name}: {classes.Count} class names for {labels.Classes} classes");
        if (palette.Count != classes.Count)
            throw new ArgumentException($"{name}: {palette.Count} palette colours for {classes.Count} classes");
        (Name, this.pairs, Classes, Palette, Labels) = (name, pairs.ToArray(), classes, palette, labels);
    }

    public Sample Get(int index)
    {
        if ((uint)index >= (uint)pairs.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {pairs.Length} images");
        var (imagePath, maskPath) = pairs[index];
        using var scope = TensorScope.Begin();
        var image = ImageCodec.Decode(BoundedFile.ReadAllBytes(imagePath, BoundedFile.MaxImageBytes, "image"), ImageReadMode.Rgb, imagePath);
        var stored = ImageCodec.Decode(BoundedFile.ReadAllBytes(maskPath, BoundedFile.MaxImageBytes, "mask"), ImageReadMode.Indices, maskPath);
        if (stored.Size(1) != image.Size(1) || stored.Size(2) != image.Size(2))
            throw new InvalidDataException($"{Name}: mask {maskPath} is {stored.Size(2)}x{stored.Size(1)} (width x height) but its image " +
                                           $"{imagePath} is {image.Size(2)}x{image.Size(1)}");
        var mask = Labels.Apply(stored[0], maskPath, imagePath);
        return new Sample(scope.Keep(image)) { Mask = scope.Keep(mask), Source = imagePath };
    }

    /// <summary>
    /// Pairs every image under <paramref name="imageDir"/> (recursively, .jpg/.jpeg/.png, sorted by relative path) with
    /// <paramref name="maskDir"/>/&lt;same relative path without extension&gt;<paramref name="maskSuffix"/>; an image
    /// without its mask, or a mask without its image, throws naming both paths.
    /// </summary>
    public static MaskPair[] PairFolders(string name, string imageDir, string maskDir, string imageSuffix = "", string maskSuffix = ".png")
    {
        foreach (var (dir, what) in new[] { (imageDir, "image folder"), (maskDir, "mask folder") })
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{name}: {what} {dir} does not exist");
        var images = ListFiles(imageDir, f => IsImage(f) && Path.GetFileNameWithoutExtension(f).EndsWith(imageSuffix, StringComparison.Ordinal));
        var pairs = new List<MaskPair>();
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            var relative = Path.GetRelativePath(imageDir, image);
            var stem = Path.ChangeExtension(relative, null)[..^imageSuffix.Length];
            var mask = Path.Combine(maskDir, stem + maskSuffix);
            if (!File.Exists(mask)) throw new FileNotFoundException($"{name}: image {image} has no mask {mask}", mask);
            pairs.Add(new MaskPair(image, mask));
            matched.Add(Path.GetFullPath(mask));
        }
        foreach (var mask in ListFiles(maskDir, f => f.EndsWith(maskSuffix, StringComparison.Ordinal)))
            if (!matched.Contains(Path.GetFullPath(mask)))
            {
                var stem = Path.GetRelativePath(maskDir, mask)[..^maskSuffix.Length];
                throw new FileNotFoundException(
                    $"{name}: mask {mask} has no image {Path.Combine(imageDir, stem + imageSuffix)}(.jpg|.jpeg|.png)", mask);
            }
        return pairs.ToArray();
    }


    internal static bool IsImage(string path) => ImageFiles.IsImageName(path);

    static IEnumerable<string> ListFiles(string dir, Func<string, bool> keep) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && keep(f))
            .OrderBy(f => Path.GetRelativePath(dir, f), StringComparer.Ordinal);
}
