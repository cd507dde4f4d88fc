namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// What a criterion needs to know about an anchor-free detection head (the attributes ultralytics' v8DetectionLoss
/// reads from model[-1]): each level's stride in input pixels, the class count and reg_max, the number of distance
/// bins per box side. The raw maps it describes are (N, 4*reg_max + classes, H, W), one per stride.
/// </summary>
public sealed record DetectHeadInfo
{
    public IReadOnlyList<double> Strides { get; }
    public long NumClasses { get; }
    public long RegMax { get; }

    public DetectHeadInfo(IReadOnlyList<double> strides, long numClasses, long regMax = DetectHead.RegMax)
    {
        if (strides.Count == 0) throw new ArgumentException("DetectHeadInfo: needs at least one level stride");
        if (strides.Any(s => !double.IsFinite(s) || s <= 0))
            throw new ArgumentException($"DetectHeadInfo: strides must be positive, got [{string.Join(", ", strides)}]");
        if (numClasses < 1) throw new ArgumentException($"DetectHeadInfo: number of classes must be positive, got {numClasses}");
        if (regMax < 2) throw new ArgumentException($"DetectHeadInfo: reg_max must be at least 2 (distribution focal loss), got {regMax}");
        Strides = strides.ToArray();
        (NumClasses, RegMax) = (numClasses, regMax);
    }

    public int Levels => Strides.Count;
    /// <summary>Channels of every raw map: 4*reg_max distance bins, then the class logits.</summary>
    public long OutputsPerAnchor => 4 * RegMax + NumClasses;
}
