using Osprey.Data.Images;

namespace Osprey.Data.Datasets.Segmentation;

/// <summary>
/// ADE20K as the scene parsing benchmark ships it (ADEChallengeData2016): <c>images/{training,validation}/*.jpg</c> and
/// <c>annotations/{training,validation}/*.png</c> with values 0..150, 0 = "other". As mmsegmentation's
/// reduce_zero_label, 0 becomes ignore (255) and k becomes class k - 1 of the 150.
/// </summary>
public static class Ade20kSegmentation
{
    /// <summary>The 150 classes in the benchmark's order (objectInfo150), named as mmsegmentation names them.</summary>
    public static readonly string[] Classes =
    [
        "wall", "building", "sky", "floor", "tree", "ceiling", "road", "bed", "windowpane", "grass", "cabinet", "sidewalk",
        "person", "earth", "door", "table", "mountain", "plant", "curtain", "chair", "car", "water", "painting", "sofa",
        "shelf", "house", "sea", "mirror", "rug", "field", "armchair", "seat", "fence", "desk", "rock", "wardrobe", "lamp",
        "bathtub", "railing", "cushion", "base", "box", "column", "signboard", "chest of drawers", "counter", "sand", "sink",
        "skyscraper", "fireplace", "refrigerator", "grandstand", "path", "stairs", "runway", "case", "pool table", "pillow",
        "screen door", "stairway", "river", "bridge", "bookcase", "blind", "coffee table", "toilet", "flower", "book", "hill",
        "bench", "countertop", "stove", "palm", "kitchen island", "computer", "swivel chair", "boat", "bar", "arcade machine",
        "hovel", "bus", "towel", "light", "truck", "tower", "chandelier", "awning", "streetlight", "booth",
        "television receiver", "airplane", "dirt track", "apparel", "pole", "land", "bannister", "escalator", "ottoman",
        "bottle", "buffet", "poster", "stage", "van", "ship", "fountain", "conveyer belt", "canopy", "washer", "plaything",
        "swimming pool", "stool", "barrel", "basket", "waterfall", "tent", "bag", "minibike", "cradle", "oven", "ball", "food",
        "step", "tank", "trade name", "microwave", "pot", "animal", "bicycle", "lake", "dishwasher", "screen", "blanket",
        "sculpture", "hood", "sconce", "vase", "traffic light", "tray", "ashcan", "fan", "pier", "crt screen", "plate",
        "monitor", "bulletin board", "shower", "radiator", "glass", "clock", "flag",
    ];

    /// <param name="split">training or validation (train and val are accepted).</param>
    public static SegmentationDataset Open(string root, string split = "training")
    {
        root = Path.GetFullPath(root);
        var folder = split switch
        {
            "training" or "train" => "training",
            "validation" or "val" => "validation",
            _ => throw new ArgumentException($"ADE20K split '{split}': expected training or validation"),
        };
        var name = $"ADE20K dataset {root}";
        var pairs = SegmentationDataset.PairFolders(name, Path.Combine(root, "images", folder), Path.Combine(root, "annotations", folder));
        return new SegmentationDataset(name, pairs, Classes, Rgb.VocColormap(Classes.Length), MaskLabels.ReduceZero(Classes.Length));
    }
}
