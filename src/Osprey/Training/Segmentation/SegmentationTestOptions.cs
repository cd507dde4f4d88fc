using Osprey.Models.Segmentation.Inference;

namespace Osprey.Training.Segmentation;

/// <summary>How a trained segmentation model is run on whole images, as mmsegmentation's test_cfg: <c>whole</c> (the
/// image at once), <c>slide</c> (windows of crop every stride, overlapping logits averaged), or <c>Auto</c> (whole when
/// the image fits the crop, else slide).</summary>
public enum SegmentationMode { Auto, Whole, Slide }

/// <summary>
/// The test-time settings of <c>osprey val</c> and <c>osprey predict</c> for segmentation: the mode, the sliding
/// window's crop and stride, and multi-scale + flip test-time augmentation (mmsegmentation's <c>--tta</c>: the PSPNet
/// paper's scales 0.5-1.75 and a left-right flip, softmax probabilities averaged).
/// </summary>
public sealed record SegmentationTestOptions
{
    public SegmentationMode Mode { get; init; } = SegmentationMode.Auto;
    /// <summary>Sliding-window side (null: the training size); rounded up to the model's size divisor.</summary>
    public int? Crop { get; init; }
    /// <summary>Sliding-window step (null: 2/3 of the crop, as mmsegmentation's UNet configs: crop 256, stride 170).</summary>
    public int? Stride { get; init; }
    /// <summary>Multi-scale + flip passes (null: one pass at the image's size).</summary>
    public TestTimeAugmentation? Tta { get; init; }

    public static SegmentationTestOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public SegmentationTestOptions Validate()
    {
        if (Crop is < 1) throw new ArgumentException($"crop {Crop}: expected an integer >= 1");
        if (Stride is < 1) throw new ArgumentException($"stride {Stride}: expected an integer >= 1");
        if (Crop != null && Stride > Crop) throw new ArgumentException($"stride {Stride} is larger than the crop {Crop}: pixels between windows would get no prediction");
        if (Mode == SegmentationMode.Whole && (Crop != null || Stride != null))
            throw new ArgumentException("crop and stride are the sliding window's: they need mode slide (or auto), not whole");
        if (Tta is { } tta && (tta.Scales.Length == 0 || tta.Scales.Any(s => !(s > 0) || !double.IsFinite(s))))
            throw new ArgumentException($"test-time scales [{string.Join(", ", tta.Scales)}]: expected one or more finite values > 0");
        return this;
    }

    public string Describe()
    {
        var mode = Mode switch { SegmentationMode.Whole => "whole image", SegmentationMode.Slide => "sliding window", _ => "whole or sliding window" };
        return Tta is { } tta
            ? $"{mode}, TTA scales [{string.Join(", ", tta.Scales.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]{(tta.Flip ? " + flip" : "")}"
            : mode;
    }
}
