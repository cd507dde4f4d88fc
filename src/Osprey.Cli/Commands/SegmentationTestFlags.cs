using System.CommandLine;
using System.Globalization;
using Osprey.Models.Segmentation.Inference;
using Osprey.Training.Segmentation;

namespace Osprey.Cli.Commands;

/// <summary>
/// The segmentation test settings of <c>osprey val</c> and <c>osprey predict</c>, as mmsegmentation's test_cfg and
/// <c>tools/test.py --tta</c>: <c>--mode whole|slide</c> with <c>--crop</c> / <c>--stride</c>, and <c>--tta</c>
/// (multi-scale + flip) with <c>--tta-scales</c> and <c>--tta-flip</c>. A bad value is a usage error naming its flag.
/// </summary>
public sealed class SegmentationTestFlags
{
    public const string Task = "segment";

    readonly Option<bool> tta = new("--tta")
    {
        Description = "segmentation: multi-scale + flip test-time augmentation (the PSPNet paper's scales 0.5,0.75,1,1.25,1.5,1.75; softmax averaged)",
    };
    readonly Option<string?> scales = new("--tta-scales") { Description = "segmentation: the TTA scales, comma-separated (implies --tta), e.g. 0.75,1,1.25" };
    readonly Option<bool> flip = new("--tta-flip") { Description = "segmentation: add a left-right flip of every TTA scale", DefaultValueFactory = _ => true };
    readonly Option<string?> mode = new("--mode") { Description = "segmentation: whole or slide [default: whole when the image fits the crop, else slide]" };
    readonly Option<int?> crop = new("--crop") { Description = "segmentation: sliding-window side in pixels [default: the training size]" };
    readonly Option<int?> stride = new("--stride") { Description = "segmentation: sliding-window step in pixels [default: 2/3 of the crop]" };

    public IEnumerable<Option> All => [tta, scales, flip, mode, crop, stride];

    /// <summary>The settings the flags give (null: none given), or the usage error naming the bad flag.</summary>
    public (SegmentationTestOptions? Options, string? Error) Read(ParseResult result)
    {
        string? scaleText = result.GetValue(scales), modeText = result.GetValue(mode);
        int? cropValue = result.GetValue(crop), strideValue = result.GetValue(stride);
        bool ttaOn = result.GetValue(tta) || scaleText != null;
        bool flipGiven = result.GetResult(flip) is { Implicit: false };
        if (!ttaOn && modeText == null && cropValue == null && strideValue == null && !flipGiven) return (null, null);

        var parsedMode = SegmentationMode.Auto;
        if (modeText != null)
        {
            if (modeText is not ("whole" or "slide")) return (null, $"--mode {modeText}: expected whole or slide");
            parsedMode = modeText == "whole" ? SegmentationMode.Whole : SegmentationMode.Slide;
        }
        if (cropValue is < 1) return (null, $"--crop {cropValue}: expected an integer >= 1");
        if (strideValue is < 1) return (null, $"--stride {strideValue}: expected an integer >= 1");
        if (cropValue != null && strideValue > cropValue) return (null, $"--stride {strideValue}: expected at most --crop {cropValue} (pixels between windows would get no prediction)");
        if (parsedMode == SegmentationMode.Whole && (cropValue != null || strideValue != null))
            return (null, $"{(cropValue != null ? "--crop" : "--stride")}: sets the sliding window, which --mode whole does not use");
        if (flipGiven && !ttaOn) return (null, "--tta-flip: applies to test-time augmentation; add --tta");
        double[] parsedScales = TestTimeAugmentation.PaperScales;
        if (scaleText != null)
        {
            var parts = scaleText.Split(',', StringSplitOptions.TrimEntries);
            var values = new double[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !(values[i] > 0) || !double.IsFinite(values[i]) || values[i] > 8)
                    return (null, $"--tta-scales {scaleText}: expected numbers in (0, 8] separated by commas, e.g. 0.5,1,1.5 ('{parts[i]}' is not)");
            parsedScales = values;
        }
        return (new SegmentationTestOptions
        {
            Mode = parsedMode, Crop = cropValue, Stride = strideValue,
            Tta = ttaOn ? new TestTimeAugmentation(parsedScales, result.GetValue(flip)) : null,
        }, null);
    }

    /// <summary>The usage error when segmentation settings were given for a model of another task.</summary>
    public static string? RefuseForOtherTasks(SegmentationTestOptions? options, string task, string weights) =>
        options != null && task != Task
            ? $"--tta, --mode, --crop and --stride apply to segmentation models; {weights} is a {task} model"
            : null;
}
