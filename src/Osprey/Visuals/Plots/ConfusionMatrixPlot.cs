using ScottPlot;

namespace Osprey.Visuals.Plots;

/// <summary>
/// confusion_matrix.png / confusion_matrix_normalized.png as ultralytics draws them: true classes along x, predictions
/// along y (row 0 at the top), each cell annotated, class names on both axes. Normalized, each true class's column sums
/// to 1. Detection passes a matrix with one extra row/column for the background (missed objects, false detections).
/// </summary>
public static class ConfusionMatrixPlot
{
    public const string BackgroundName = "background";

    /// <summary>The plot of <paramref name="counts"/>[true, predicted] (square, one row/column per name, plus the
    /// background when <paramref name="withBackground"/>).</summary>
    public static Plot Build(long[,] counts, IReadOnlyList<string> names, bool normalize, bool withBackground = false)
    {
        int n = counts.GetLength(0);
        var labels = withBackground ? [.. names, BackgroundName] : names.ToList();
        if (counts.GetLength(1) != n || labels.Count != n)
            throw new ArgumentException($"confusion matrix is {counts.GetLength(0)}x{counts.GetLength(1)} for {names.Count} class names" +
                                        (withBackground ? " plus the background" : ""));
        var values = Values(counts, normalize);
        var plot = PlotStyle.Panel(normalize ? "Confusion Matrix Normalized" : "Confusion Matrix");
        // Heatmap rows run top to bottom: row p is prediction p, column t is true class t.
        var intensities = new double[n, n];
        for (int p = 0; p < n; p++) for (int t = 0; t < n; t++) intensities[p, t] = values[t, p];
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed(); // light for few, dark blue for many
        heatmap.Extent = new CoordinateRect(0, n - 1, 0, n - 1); // the span of the cell centres: cell (t, p) centred on (t, YOf(p))
        double max = values.Cast<double>().Where(double.IsFinite).DefaultIfEmpty(0).Max();
        float fontSize = n <= 10 ? 11 : n <= 30 ? 8 : 0;
        if (fontSize > 0)
            for (int p = 0; p < n; p++)
                for (int t = 0; t < n; t++)
                {
                    double v = values[t, p];
                    if (!(v > 0)) continue;
                    var text = plot.Add.Text(normalize ? v.ToString("0.00") : ((long)v).ToString(), t, YOf(p, n));
                    text.Alignment = Alignment.MiddleCenter;
                    text.LabelFontSize = fontSize;
                    text.LabelFontColor = v > 0.5 * max ? Colors.White : Colors.Black;
                }
        var positions = Enumerable.Range(0, n).Select(p => YOf(p, n)).ToArray();
        PlotStyle.NamedTicks(plot.Axes.Bottom, labels, rotation: 45);
        PlotStyle.NamedTicks(plot.Axes.Left, labels, positions);
        plot.Axes.Bottom.Label.Text = "True";
        plot.Axes.Left.Label.Text = "Predicted";
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Add.ColorBar(heatmap);
        return plot;
    }

    /// <summary>What each cell shows, [true, predicted]: the count, or the count over the true class's total (NaN-free:
    /// a class without samples shows zeros).</summary>
    public static double[,] Values(long[,] counts, bool normalize)
    {
        int n = counts.GetLength(0);
        var values = new double[n, n];
        for (int t = 0; t < n; t++)
        {
            long total = 0;
            for (int p = 0; p < n; p++)
            {
                if (counts[t, p] < 0) throw new ArgumentException($"confusion matrix count [{t}, {p}] is negative ({counts[t, p]})");
                total += counts[t, p];
            }
            for (int p = 0; p < n; p++) values[t, p] = !normalize ? counts[t, p] : total == 0 ? 0 : (double)counts[t, p] / total;
        }
        return values;
    }

    /// <summary>The y coordinate of prediction row <paramref name="p"/> (row 0 at the top).</summary>
    public static double YOf(int p, int n) => n - 1 - p;

    public static void Save(string path, long[,] counts, IReadOnlyList<string> names, bool normalize, bool withBackground = false)
    {
        using var plot = Build(counts, names, normalize, withBackground);
        int size = Math.Clamp(300 + 40 * counts.GetLength(0), 500, 1600);
        PlotImage.Save(path, plot, size + 100, size);
    }
}
