using System.Text.Json.Nodes;

namespace Osprey.Training;

/// <summary>
/// What <c>osprey predict</c> asks of a task beyond the files: how many classes to list (classification), the
/// detection thresholds, and where to save pictures (null: none; the task writes one annotated image per input there,
/// plus what its users expect: a segmentation's index mask PNG).
/// </summary>
public sealed record PredictRequest(int Top = 5, int BatchSize = 32, string? SaveDirectory = null)
{
    /// <summary>Detection: minimum confidence (null: the task's default, 0.25 for YOLO, 0.7 for DETR).</summary>
    public double? Confidence { get; init; }
    /// <summary>Detection: NMS IoU threshold (null: the task's default).</summary>
    public double? Iou { get; init; }
    public int MaxDetections { get; init; } = 300;
    /// <summary>Input side (null: the training size).</summary>
    public int? ImageSize { get; init; }
    public int LineWidth { get; init; } = 2;
    public bool HideLabels { get; init; }
    public bool HideConfidence { get; init; }
    /// <summary>Detection: also write each image's objects as a YOLO txt (class cx cy w h confidence) under SaveDirectory/labels.</summary>
    public bool SaveTxt { get; init; }
    /// <summary>Detection: keep only these class indices (null: all).</summary>
    public IReadOnlyList<int>? Classes { get; init; }
    /// <summary>DETR: also save, for each kept object, its query's last-decoder-layer cross-attention map beside its box
    /// (under SaveDirectory/attention).</summary>
    public bool Attention { get; init; }
    /// <summary>Detection: class-agnostic NMS.</summary>
    public bool Agnostic { get; init; }
    /// <summary>Segmentation: whole / sliding window and test-time augmentation (null: whole or sliding window by size, no TTA).</summary>
    public Segmentation.SegmentationTestOptions? Segmentation { get; init; }
}

/// <summary>One image's prediction, as a line of text and as JSON.</summary>
public interface IPrediction
{
    string Source { get; }
    string Text { get; }
    JsonNode ToJson();
}
