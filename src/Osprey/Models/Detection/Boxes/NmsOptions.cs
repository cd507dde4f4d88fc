namespace Osprey.Models.Detection.Boxes;

/// <summary>
/// ultralytics' non_max_suppression settings. Defaults are its prediction settings (conf 0.25, IoU 0.7, 300
/// detections, one label per box, class-aware); <see cref="Validation"/> is what its detection validator uses.
/// </summary>
public sealed record NmsOptions
{
    /// <summary>A box (or, with <see cref="MultiLabel"/>, a box-class pair) must score strictly above this.</summary>
    public double Confidence { get; init; } = 0.25;

    /// <summary>A box is suppressed by a better one of its class whose IoU with it is strictly above this.</summary>
    public double Iou { get; init; } = 0.7;

    /// <summary>Suppress across classes (one box per place whatever its class).</summary>
    public bool Agnostic { get; init; }

    /// <summary>Every class above <see cref="Confidence"/> gives its own detection (only with more than one class).</summary>
    public bool MultiLabel { get; init; }

    /// <summary>Detections kept per image, best first (max_det).</summary>
    public int MaxDetections { get; init; } = 300;

    /// <summary>Candidates passed to NMS per image, the highest-scoring ones (max_nms).</summary>
    public int MaxCandidates { get; init; } = 30000;

    /// <summary>Keep only these class indices (null: all).</summary>
    public IReadOnlyList<int>? Classes { get; init; }

    /// <summary>ultralytics' validation settings: conf 0.001, IoU 0.7, 300 detections, multi-label.</summary>
    public static NmsOptions Validation { get; } = new() { Confidence = 0.001, MultiLabel = true };

    internal void Check()
    {
        if (!(Confidence is >= 0 and <= 1)) throw new ArgumentException($"NMS: confidence threshold {Confidence} must be in [0, 1]");
        if (!(Iou is >= 0 and <= 1)) throw new ArgumentException($"NMS: IoU threshold {Iou} must be in [0, 1]");
        if (MaxDetections < 1) throw new ArgumentException($"NMS: max detections must be at least 1, got {MaxDetections}");
        if (MaxCandidates < 1) throw new ArgumentException($"NMS: max candidates must be at least 1, got {MaxCandidates}");
    }
}
