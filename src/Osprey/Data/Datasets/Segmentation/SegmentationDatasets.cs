namespace Osprey.Data.Datasets.Segmentation;

/// <summary>Opens a segmentation dataset from a path by its layout, for <c>--data</c>.</summary>
public static class SegmentationDatasets
{
    /// <summary>
    /// A .yaml/.yml file: <see cref="FolderSegmentation"/>; a folder with JPEGImages/: PASCAL VOC; with images/ and
    /// annotations/: ADE20K; with leftImg8bit/ and gtFine/: Cityscapes. <paramref name="split"/> is train or val
    /// (ADE20K's training/validation folders are found from them).
    /// </summary>
    public static SegmentationDataset Open(string path, string split)
    {
        if (split is not ("train" or "val")) throw new ArgumentException($"segmentation split '{split}': expected train or val");
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".yaml" or ".yml") return FolderSegmentation.Open(path, split);
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"segmentation data {path}: not a dataset YAML file nor a folder");
        bool Has(string sub) => Directory.Exists(Path.Combine(path, sub));
        if (Has("JPEGImages")) return VocSegmentation.Open(path, Has(Path.Combine("ImageSets", "Segmentation")) ? split : null);
        if (Has("images") && Has("annotations")) return Ade20kSegmentation.Open(path, split);
        if (Has("leftImg8bit") && Has("gtFine")) return CityscapesSegmentation.Open(path, split);
        throw new InvalidDataException($"segmentation data {path}: no known layout (PASCAL VOC: JPEGImages/ + SegmentationClass/; " +
                                       "ADE20K: images/ + annotations/; Cityscapes: leftImg8bit/ + gtFine/; or a dataset YAML file)");
    }
}
