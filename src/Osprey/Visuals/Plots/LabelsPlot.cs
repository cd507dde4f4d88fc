using ScottPlot;

namespace Osprey.Visuals.Plots;

/// <summary>One ground-truth box of a detection dataset: its class and centre/size normalized to the image (0..1).</summary>
public readonly record struct LabelBox(int Class, double X, double Y, double Width, double Height);

/// <summary>
/// Detection's labels.jpg, as ultralytics' plot_labels: instances per class, the boxes drawn from a common centre (their
/// sizes), and the 2-D distributions of box centres (x, y) and sizes (width, height).
/// </summary>
public static class LabelsPlot
{
    public const int Bins = 50, MaxBoxesDrawn = 1000;

    public static List<Plot> Panels(IReadOnlyList<LabelBox> boxes, IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw new ArgumentException("labels plot needs the class names");
        for (int i = 0; i < boxes.Count; i++)
        {
            var b = boxes[i];
            if ((uint)b.Class >= (uint)names.Count) throw new ArgumentOutOfRangeException(nameof(boxes), $"label box {i}: class {b.Class} is not in [0, {names.Count})");
            if (!(b.X >= 0 && b.X <= 1 && b.Y >= 0 && b.Y <= 1 && b.Width >= 0 && b.Width <= 1 && b.Height >= 0 && b.Height <= 1))
                throw new ArgumentOutOfRangeException(nameof(boxes), $"label box {i}: ({b.X}, {b.Y}, {b.Width}, {b.Height}) is not normalized xywh in [0, 1]");
        }
        return [ClassHistogram(boxes, names), BoxShapes(boxes), Density(boxes, b => (b.X, b.Y), "x", "y"), Density(boxes, b => (b.Width, b.Height), "width", "height")];
    }

    public static long[] InstancesPerClass(IReadOnlyList<LabelBox> boxes, int classes)
    {
        var counts = new long[classes];
        foreach (var b in boxes) counts[b.Class]++;
        return counts;
    }

    /// <summary>Counts of (<paramref name="pick"/>(box)) in a Bins x Bins grid over [0, 1]^2, [row = y bin, column = x bin].</summary>
    public static double[,] Histogram2D(IReadOnlyList<LabelBox> boxes, Func<LabelBox, (double X, double Y)> pick)
    {
        var counts = new double[Bins, Bins];
        foreach (var b in boxes)
        {
            var (x, y) = pick(b);
            counts[Math.Min((int)(y * Bins), Bins - 1), Math.Min((int)(x * Bins), Bins - 1)]++;
        }
        return counts;
    }

    static Plot ClassHistogram(IReadOnlyList<LabelBox> boxes, IReadOnlyList<string> names)
    {
        var plot = PlotStyle.Panel("instances");
        var counts = InstancesPerClass(boxes, names.Count);
        plot.Add.Bars(counts.Select((n, c) => new Bar { Position = c, Value = n, FillColor = Palette.PlotColor(c), Size = 0.8 }).ToList());
        PlotStyle.NamedTicks(plot.Axes.Bottom, names, rotation: names.Count > 5 ? 45 : 0);
        plot.Axes.Left.Label.Text = "instances";
        plot.Axes.SetLimits(-0.6, names.Count - 0.4, 0, Math.Max(1, counts.DefaultIfEmpty(0).Max()) * 1.05);
        return plot;
    }

    static Plot BoxShapes(IReadOnlyList<LabelBox> boxes)
    {
        var plot = PlotStyle.Panel("boxes");
        foreach (var b in boxes.Take(MaxBoxesDrawn))
        {
            var rect = plot.Add.Rectangle(0.5 - b.Width / 2, 0.5 + b.Width / 2, 0.5 - b.Height / 2, 0.5 + b.Height / 2);
            rect.FillColor = Colors.Transparent;
            rect.LineColor = Palette.PlotColor(b.Class).WithAlpha(0.4);
            rect.LineWidth = 1;
        }
        plot.Axes.SetLimits(0, 1, 0, 1);
        return plot;
    }

    static Plot Density(IReadOnlyList<LabelBox> boxes, Func<LabelBox, (double X, double Y)> pick, string x, string y)
    {
        var plot = PlotStyle.Panel($"{x}, {y}");
        var counts = Histogram2D(boxes, pick);
        var heatmap = plot.Add.Heatmap(counts);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues().Reversed(); // light for few, dark blue for many
        heatmap.FlipVertically = true; // row 0 (y bin 0) at the bottom
        heatmap.Extent = new CoordinateRect(0.5 / Bins, 1 - 0.5 / Bins, 0.5 / Bins, 1 - 0.5 / Bins); // the span of the bin centres
        plot.Axes.Bottom.Label.Text = x;
        plot.Axes.Left.Label.Text = y;
        plot.Axes.SetLimits(0, 1, 0, 1);
        return plot;
    }

    /// <summary>Writes labels.jpg (2 x 2 panels of 400 x 400).</summary>
    public static void Save(string path, IReadOnlyList<LabelBox> boxes, IReadOnlyList<string> names)
    {
        var panels = Panels(boxes, names);
        try { PlotImage.Save(path, panels, 2, 400, 400); }
        finally { foreach (var p in panels) p.Dispose(); }
    }
}
