using Osprey.Data.Images;

namespace Osprey.Data.Datasets.Segmentation;

/// <summary>
/// PASCAL VOC 2012 segmentation layout: <c>JPEGImages/&lt;id&gt;.jpg</c>, palette PNG masks
/// <c>SegmentationClass/&lt;id&gt;.png</c> (palette index = class id, 255 = the object borders left unlabelled), and
/// <c>ImageSets/Segmentation/{train,val,trainval}.txt</c> listing the ids. labelme's labelme2voc output is read too:
/// masks in <c>SegmentationClassPNG/</c> (when <c>SegmentationClass/</c> holds only .npy files), class names from
/// <c>class_names.txt</c> ("__ignore__" dropped), and without ImageSets every mask is used (<paramref name="split"/> null).
/// </summary>
public static class VocSegmentation
{
    public static readonly string[] VocClasses =
    [
        "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <param name="split">train, val, trainval (a list in ImageSets/Segmentation), or null for every mask in the mask folder.</param>
    public static SegmentationDataset Open(string root, string? split = "train")
    {
        root = Path.GetFullPath(root);
        var name = $"VOC dataset {root}";
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{name} does not exist");
        var images = Path.Combine(root, "JPEGImages");
        var masks = MaskFolder(root, name);
        MaskPair[] pairs;
        if (split == null)
        {
            // Full VOC has many more JPEGImages than masks: the masks decide which images are used.
            pairs = Directory.EnumerateFiles(masks, "*.png").Order(StringComparer.Ordinal).Select(mask =>
            {
                var image = Path.Combine(images, Path.GetFileNameWithoutExtension(mask) + ".jpg");
                return File.Exists(image) ? new MaskPair(image, mask)
                    : throw new FileNotFoundException($"{name}: mask {mask} has no image {image}", image);
            }).ToArray();
        }
        else
        {
            var list = Path.Combine(root, "ImageSets", "Segmentation", split + ".txt");
            if (!File.Exists(list))
                throw new FileNotFoundException($"{name}: split list {list} does not exist (splits are train, val, trainval; " +
                                                "pass no split to use every mask)", list);
            pairs = BoundedFile.ReadLines(list, "split list").Select((id, line) =>
            {
                var image = Path.Combine(images, id + ".jpg");
                var mask = Path.Combine(masks, id + ".png");
                if (!File.Exists(image) || !File.Exists(mask))
                    throw new FileNotFoundException($"{name}: {list} line {line + 1} names '{id}': " +
                                                    $"{(File.Exists(image) ? "found" : "missing")} image {image}, " +
                                                    $"{(File.Exists(mask) ? "found" : "missing")} mask {mask}");
                return new MaskPair(image, mask);
            }).ToArray();
        }
        var classes = ClassNames(root);
        return new SegmentationDataset(name, pairs, classes, Rgb.VocColormap(classes.Length), MaskLabels.Identity(classes.Length));
    }

    static string MaskFolder(string root, string name)
    {
        var voc = Path.Combine(root, "SegmentationClass");
        if (Directory.Exists(voc) && Directory.EnumerateFiles(voc, "*.png").Any()) return voc;
        var labelme = Path.Combine(root, "SegmentationClassPNG");
        if (Directory.Exists(labelme)) return labelme;
        throw new DirectoryNotFoundException($"{name}: no palette masks in {voc} (nor labelme's {labelme})");
    }

    static string[] ClassNames(string root)
    {
        var file = Path.Combine(root, "class_names.txt");
        if (!File.Exists(file)) return VocClasses;
        var names = BoundedFile.ReadLines(file, "class list").Where(n => n != "__ignore__").ToArray();
        if (names.Length == 0) throw new InvalidDataException($"class list {file} names no classes");
        return names;
    }
}
