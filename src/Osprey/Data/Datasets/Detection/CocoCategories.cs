namespace Osprey.Data.Datasets.Detection;

/// <summary>
/// COCO 2017's 80 detection categories by their ids (1..90 with gaps), as <c>instances_*2017.json</c> lists them.
/// <see cref="OriginalNames"/> is the class list of a model with a logit per id, as the official DETR checkpoints
/// (91 classes + no-object): index = category id, the unused ids and 0 named "N/A" as in the official demo, and as
/// <see cref="CocoCategoryIds.Original"/> names a COCO file's classes.
/// </summary>
public static class CocoCategories
{
    public static IReadOnlyList<string> OriginalNames { get; } =
    [
        "N/A", "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "N/A", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A", "handbag", "tie",
        "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
        "skateboard", "surfboard", "tennis racket", "bottle", "N/A", "wine glass", "cup", "fork", "knife", "spoon",
        "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake",
        "chair", "couch", "potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet", "N/A", "tv", "laptop",
        "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "N/A",
        "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ];
}
