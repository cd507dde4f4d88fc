using ScottPlot;

namespace Osprey.Visuals.Plots;

/// <summary>
/// The detection curves of ultralytics' val: PR_curve.png (precision against recall, per class with its AP@0.5 and the
/// all-class mean with mAP@0.5) and F1_curve.png / P_curve.png / R_curve.png (the metric against the confidence
/// threshold, per class and the box-smoothed all-class mean, labelled with its maximum and where it is reached).
/// Per-class lines are coloured and named up to 20 classes, thin grey beyond.
/// </summary>
public static class MetricCurves
{
    public const int MaxNamedClasses = 20;
    public const string AllClasses = "all classes";

    /// <summary>PR curve: <paramref name="recall"/> the x grid (e.g. 1000 points in [0, 1]), <paramref name="precision"/>[c]
    /// the precision of class c on it, <paramref name="ap50"/>[c] its AP@0.5.</summary>
    public static Plot PrecisionRecall(double[] recall, IReadOnlyList<double[]> precision, IReadOnlyList<double> ap50, IReadOnlyList<string> names)
    {
        Check(recall, precision, names, "precision");
        if (ap50.Count != names.Count) throw new ArgumentException($"PR curve: {ap50.Count} AP values for {names.Count} classes");
        var plot = PlotStyle.Panel("Precision-Recall Curve");
        bool named = names.Count <= MaxNamedClasses;
        for (int c = 0; c < names.Count; c++)
            Line(plot, recall, precision[c], named ? Palette.PlotColor(c) : Colors.Gray, 1, named ? $"{names[c]} {ap50[c]:0.000}" : null);
        Line(plot, recall, Mean(precision), Colors.Blue, 3, $"{AllClasses} {ap50.Average():0.000} mAP@0.5");
        Finish(plot, "Recall", "Precision");
        return plot;
    }

    /// <summary>A metric-confidence curve: <paramref name="values"/>[c] the metric of class c at each threshold of
    /// <paramref name="confidence"/>; <paramref name="metric"/> is "F1", "Precision" or "Recall".</summary>
    public static Plot MetricConfidence(double[] confidence, IReadOnlyList<double[]> values, IReadOnlyList<string> names, string metric)
    {
        Check(confidence, values, names, metric);
        var plot = PlotStyle.Panel($"{metric}-Confidence Curve");
        bool named = names.Count <= MaxNamedClasses;
        for (int c = 0; c < names.Count; c++)
            Line(plot, confidence, values[c], named ? Palette.PlotColor(c) : Colors.Gray, 1, named ? names[c] : null);
        var mean = Smoothing.Box(Mean(values), 0.05);
        int best = Array.IndexOf(mean, mean.Max());
        Line(plot, confidence, mean, Colors.Blue, 3, $"{AllClasses} {mean[best]:0.00} at {confidence[best]:0.000}");
        Finish(plot, "Confidence", metric);
        return plot;
    }

    /// <summary>Writes PR_curve.png, F1_curve.png, P_curve.png and R_curve.png into <paramref name="directory"/>.</summary>
    public static void SaveAll(string directory, double[] recallGrid, IReadOnlyList<double[]> precisionAtRecall, IReadOnlyList<double> ap50,
                               double[] confidence, IReadOnlyList<double[]> f1, IReadOnlyList<double[]> precision, IReadOnlyList<double[]> recall,
                               IReadOnlyList<string> names)
    {
        using (var pr = PrecisionRecall(recallGrid, precisionAtRecall, ap50, names)) PlotImage.Save(Path.Combine(directory, "PR_curve.png"), pr, 900, 600);
        foreach (var (file, metric, data) in new[] { ("F1_curve.png", "F1", f1), ("P_curve.png", "Precision", precision), ("R_curve.png", "Recall", recall) })
            using (var plot = MetricConfidence(confidence, data, names, metric)) PlotImage.Save(Path.Combine(directory, file), plot, 900, 600);
    }

    static void Line(Plot plot, double[] x, double[] y, ScottPlot.Color color, float width, string? label)
    {
        var line = plot.Add.ScatterLine(x, y, color);
        line.LineWidth = width;
        if (label != null) line.LegendText = label;
    }

    static void Finish(Plot plot, string x, string y)
    {
        plot.Axes.Bottom.Label.Text = x;
        plot.Axes.Left.Label.Text = y;
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend(Alignment.UpperRight);
    }

    static double[] Mean(IReadOnlyList<double[]> rows)
    {
        var mean = new double[rows[0].Length];
        foreach (var row in rows) for (int i = 0; i < mean.Length; i++) mean[i] += row[i] / rows.Count;
        return mean;
    }

    static void Check(double[] x, IReadOnlyList<double[]> ys, IReadOnlyList<string> names, string what)
    {
        if (names.Count == 0 || ys.Count != names.Count)
            throw new ArgumentException($"{what} curve: {ys.Count} per-class curves for {names.Count} class names (need one per class, at least one)");
        if (x.Length == 0) throw new ArgumentException($"{what} curve: the x grid is empty");
        for (int c = 0; c < ys.Count; c++)
            if (ys[c].Length != x.Length)
                throw new ArgumentException($"{what} curve of class {c} ({names[c]}) has {ys[c].Length} points, the x grid {x.Length}");
    }
}
