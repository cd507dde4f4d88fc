namespace Osprey.Data.Datasets.Detection;

/// <summary>
/// One image of a detection dataset and its annotations as read from the label files: boxes x1, y1, x2, y2 flattened
/// (length 4 N), either normalized to [0, 1] (YOLO txt; turned into pixels once the image is decoded) or in pixels
/// (COCO JSON, whose image sizes are known). <see cref="Crowd"/> marks COCO crowd regions (kept for evaluation only).
/// </summary>
public sealed record DetectionRecord(string ImagePath, long ImageId, float[] Boxes, long[] Classes, bool Normalized)
{
    /// <summary>Expected image size from the annotation file (COCO), 0 when unknown (YOLO).</summary>
    public int Width { get; init; }
    public int Height { get; init; }
    public bool[]? Crowd { get; init; }
    public float[]? Areas { get; init; }
    public long[]? AnnotationIds { get; init; }

    public int Count => Classes.Length;
}
