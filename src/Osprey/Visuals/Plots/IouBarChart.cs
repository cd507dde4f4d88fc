using ScottPlot;

namespace Osprey.Visuals.Plots;

/// <summary>Segmentation's per-class IoU: one bar per class in its palette colour, the mean IoU in the title.</summary>
public static class IouBarChart
{
    /// <summary><paramref name="iou"/>[c] in [0, 1] or NaN (a class absent from both labels and predictions: no bar,
    /// left out of the mean).</summary>
    public static Plot Build(IReadOnlyList<double> iou, IReadOnlyList<string> names)
    {
        if (iou.Count == 0 || iou.Count != names.Count) throw new ArgumentException($"IoU bar chart: {iou.Count} IoU values for {names.Count} class names");
        var present = iou.Where(double.IsFinite).ToArray();
        double mean = present.Length == 0 ? double.NaN : present.Average();
        var plot = PlotStyle.Panel($"Per-class IoU (mIoU {mean:0.000})");
        var bars = new List<Bar>();
        for (int c = 0; c < iou.Count; c++)
        {
            if (!double.IsFinite(iou[c])) continue;
            if (iou[c] < 0 || iou[c] > 1) throw new ArgumentOutOfRangeException(nameof(iou), iou[c], $"IoU of class {c} ({names[c]}) is not in [0, 1]");
            bars.Add(new Bar { Position = c, Value = iou[c], FillColor = Palette.PlotColor(c), Size = 0.8 });
        }
        plot.Add.Bars(bars);
        PlotStyle.NamedTicks(plot.Axes.Bottom, names, rotation: names.Count > 6 ? 45 : 0);
        plot.Axes.Left.Label.Text = "IoU";
        plot.Axes.SetLimits(-0.6, iou.Count - 0.4, 0, 1.05);
        return plot;
    }

    public static void Save(string path, IReadOnlyList<double> iou, IReadOnlyList<string> names)
    {
        using var plot = Build(iou, names);
        PlotImage.Save(path, plot, Math.Clamp(200 + 40 * names.Count, 600, 2000), 500);
    }
}
