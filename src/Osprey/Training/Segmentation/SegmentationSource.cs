using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Datasets.Segmentation;
using Osprey.Data.Images;
using Osprey.Data.Transforms;

namespace Osprey.Training.Segmentation;

/// <summary>
/// Where segmentation data comes from: <c>fashion-scenes</c> (the built-in scenes, generated once into the cache), a
/// folder that <see cref="FashionScenes"/> generated (images/, masks/ and its data.yaml), or any layout
/// <see cref="SegmentationDatasets.Open"/> knows (PASCAL VOC, ADE20K, Cityscapes folders, a dataset YAML file).
/// Gives both splits with their class names and palette, and the normalization (ImageNet statistics: RGB images).
/// </summary>
public sealed record SegmentationSource(SegmentationDataset Train, SegmentationDataset Val, string Description)
{
    public IReadOnlyList<string> Classes => Train.Classes;
    public IReadOnlyList<Rgb> Palette => Train.Palette;
    public static float[] Mean => Normalize.ImageNetMean;
    public static float[] Std => Normalize.ImageNetStd;

    /// <summary>The scenes' classes: 0 = background, then Fashion-MNIST's ten (mask value = class id).</summary>
    public static readonly IReadOnlyList<string> SceneClasses = ["background", .. FashionMnist.ClassNames];

    public static SegmentationSource Open(string spec, Action<string>? log = null)
    {
        if (spec == FashionScenes.Name) return Scenes(FashionScenes.Ensure(log: log));
        if (IsScenesFolder(spec)) return Scenes(spec);
        if (!File.Exists(spec) && !Directory.Exists(spec))
            throw new DirectoryNotFoundException($"segmentation data '{spec}' does not exist (expected fashion-scenes, a PASCAL VOC, ADE20K or " +
                                                 "Cityscapes folder, or a dataset YAML file)");
        var train = SegmentationDatasets.Open(spec, "train");
        var val = SegmentationDatasets.Open(spec, "val");
        if (!train.Classes.SequenceEqual(val.Classes))
            throw new InvalidDataException($"segmentation data {spec}: the val split has classes [{string.Join(", ", val.Classes)}], " +
                                           $"the train split [{string.Join(", ", train.Classes)}]");
        return new(train, val, $"{train.Name} + {val.Name}");
    }

    /// <summary>A folder written by <see cref="FashionScenes"/>: its data.yaml starts with the generator's comment.</summary>
    public static bool IsScenesFolder(string path)
    {
        var yaml = Path.Combine(path, "data.yaml");
        if (!Directory.Exists(Path.Combine(path, "masks")) || !File.Exists(yaml)) return false;
        using var reader = new StreamReader(yaml);
        return reader.ReadLine()?.StartsWith($"# {FashionScenes.Name}", StringComparison.Ordinal) == true;
    }

    static SegmentationSource Scenes(string folder)
    {
        SegmentationDataset Split(string split)
        {
            var name = $"{FashionScenes.Name} {split} ({Path.GetFullPath(folder)})";
            var pairs = SegmentationDataset.PairFolders(name, Path.Combine(folder, "images", split), Path.Combine(folder, "masks", split));
            return new SegmentationDataset(name, pairs, SceneClasses, Rgb.VocColormap(SceneClasses.Count), MaskLabels.Identity(SceneClasses.Count));
        }
        return new(Split("train"), Split("val"), $"{FashionScenes.Name} ({Path.GetFullPath(folder)})");
    }
}
