using Osprey.Data.Images;

namespace Osprey.Data.Datasets.Segmentation;

/// <summary>
/// Cityscapes: <c>leftImg8bit/&lt;split&gt;/&lt;city&gt;/&lt;name&gt;_leftImg8bit.png</c> with fine annotations
/// <c>gtFine/&lt;split&gt;/&lt;city&gt;/&lt;name&gt;_gtFine_labelIds.png</c>. The 34 label ids are mapped to the 19
/// evaluated train ids of cityscapesScripts' labels table; every other id (unlabeled, ego vehicle, parking, rail track,
/// guard rail, bridge, tunnel, polegroup, caravan, trailer, ...) becomes ignore.
/// </summary>
public static class CityscapesSegmentation
{
    public static readonly string[] Classes =
    [
        "road", "sidewalk", "building", "wall", "fence", "pole", "traffic light", "traffic sign", "vegetation", "terrain",
        "sky", "person", "rider", "car", "truck", "bus", "train", "motorcycle", "bicycle",
    ];

    /// <summary>cityscapesScripts' colours of the 19 train ids.</summary>
    public static readonly Rgb[] Palette =
    [
        new(128, 64, 128), new(244, 35, 232), new(70, 70, 70), new(102, 102, 156), new(190, 153, 153), new(153, 153, 153),
        new(250, 170, 30), new(220, 220, 0), new(107, 142, 35), new(152, 251, 152), new(70, 130, 180), new(220, 20, 60),
        new(255, 0, 0), new(0, 0, 142), new(0, 0, 70), new(0, 60, 100), new(0, 80, 100), new(0, 0, 230), new(119, 11, 32),
    ];

    /// <summary>(label id, train id) for the 19 evaluated classes.</summary>
    static readonly (int Id, int TrainId)[] trainIds =
    [
        (7, 0), (8, 1), (11, 2), (12, 3), (13, 4), (17, 5), (19, 6), (20, 7), (21, 8), (22, 9),
        (23, 10), (24, 11), (25, 12), (26, 13), (27, 14), (28, 15), (31, 16), (32, 17), (33, 18),
    ];

    /// <summary>Label id (the stored value, 0..255) to train id, ignore for the rest.</summary>
    public static MaskLabels Labels()
    {
        var table = Enumerable.Repeat(Sample.IgnoreIndex, 256).ToArray();
        foreach (var (id, trainId) in trainIds) table[id] = trainId;
        return MaskLabels.FromTable(table, Classes.Length);
    }

    /// <param name="split">train, val or test.</param>
    public static SegmentationDataset Open(string root, string split = "train")
    {
        root = Path.GetFullPath(root);
        if (split is not ("train" or "val" or "test")) throw new ArgumentException($"Cityscapes split '{split}': expected train, val or test");
        var name = $"Cityscapes dataset {root}";
        var pairs = SegmentationDataset.PairFolders(name, Path.Combine(root, "leftImg8bit", split), Path.Combine(root, "gtFine", split),
                                                    imageSuffix: "_leftImg8bit", maskSuffix: "_gtFine_labelIds.png");
        return new SegmentationDataset(name, pairs, Classes, Palette, Labels());
    }
}
