using Osprey.Tests.Data;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using ScottPlot.Plottables;
using SkiaSharp;

namespace Osprey.Tests.Visuals;

public class CurvesAndChartsTests
{
    static readonly string[] Names = ["car", "person"];

    [Fact]
    public void PR_curve_has_per_class_lines_with_AP_and_the_mean_with_mAP50_in_the_legend()
    {
        var x = Enumerable.Range(0, 101).Select(i => i / 100.0).ToArray();
        double[][] p = [x.Select(r => 1 - r).ToArray(), x.Select(r => 1 - r * r).ToArray()];
        using var plot = MetricCurves.PrecisionRecall(x, p, [0.5, 0.6667], Names);
        var lines = plot.GetPlottables().OfType<Scatter>().ToList();
        Assert.Equal(["car 0.500", "person 0.667", "all classes 0.583 mAP@0.5"], lines.Select(l => l.LegendText));
        var mean = lines[2].Data.GetScatterPoints();
        for (int i = 0; i < x.Length; i++) Assert.Equal((p[0][i] + p[1][i]) / 2, mean[i].Y, 1e-12);
    }

    [Fact]
    public void F1_curve_labels_the_smoothed_mean_maximum_and_its_confidence()
    {
        var conf = Enumerable.Range(0, 1000).Select(i => i / 999.0).ToArray();
        double[][] f1 = [conf.Select(c => 1 - Math.Abs(c - 0.3)).ToArray(), conf.Select(c => 1 - Math.Abs(c - 0.3)).ToArray()];
        using var plot = MetricCurves.MetricConfidence(conf, f1, Names, "F1");
        var all = plot.GetPlottables().OfType<Scatter>().Last();
        var smoothed = Smoothing.Box(f1[0], 0.05);
        int best = Array.IndexOf(smoothed, smoothed.Max());
        Assert.Equal($"all classes {smoothed[best]:0.00} at {conf[best]:0.000}", all.LegendText);
        Assert.Equal(0.3, conf[best], 0.002);
        Assert.Equal("F1-Confidence Curve", plot.Axes.Title.Label.Text);
    }

    [Fact]
    public void Curve_of_the_wrong_length_names_the_class()
    {
        var error = Assert.Throws<ArgumentException>(() => MetricCurves.MetricConfidence([0, 1], [[0, 1], [0]], Names, "Recall"));
        Assert.Contains("class 1 (person)", error.Message);
    }

    [Fact]
    public void IoU_bars_hold_the_values_in_palette_colours_and_the_title_the_mean()
    {
        using var plot = IouBarChart.Build([0.8, double.NaN, 0.4], ["road", "sky", "tree"]);
        var bars = plot.GetPlottables().OfType<BarPlot>().Single().Bars;
        Assert.Equal([0.0, 2.0], bars.Select(b => b.Position));
        Assert.Equal([0.8, 0.4], bars.Select(b => b.Value));
        Assert.Equal(Palette.PlotColor(2), bars[1].FillColor);
        Assert.Equal("Per-class IoU (mIoU 0.600)", plot.Axes.Title.Label.Text);
    }

    [Fact]
    public void Labels_plot_counts_instances_and_bins_centres_and_sizes()
    {
        LabelBox[] boxes = [new(0, 0.5, 0.5, 0.2, 0.1), new(1, 0.01, 0.99, 1, 0.5), new(1, 0.5, 0.5, 0.2, 0.1)];
        Assert.Equal([1L, 2L], LabelsPlot.InstancesPerClass(boxes, 2));
        var centres = LabelsPlot.Histogram2D(boxes, b => (b.X, b.Y));
        Assert.Equal(2, centres[25, 25]);
        Assert.Equal(1, centres[49, 0]);
        Assert.Equal(3, centres.Cast<double>().Sum());
        var sizes = LabelsPlot.Histogram2D(boxes, b => (b.Width, b.Height));
        Assert.Equal(1, sizes[25, 49]); // width 1 falls in the last bin
        using var folder = new TempFolder();
        LabelsPlot.Save(folder.PathOf("labels.jpg"), boxes, Names);
        using var decoded = SKBitmap.Decode(folder.PathOf("labels.jpg"));
        Assert.Equal((800, 800), (decoded.Width, decoded.Height));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LabelsPlot.Panels([new(2, 0.5, 0.5, 0.1, 0.1)], Names));
        Assert.Contains("class 2", error.Message);
    }

    [Fact]
    public void All_four_detection_curves_are_written()
    {
        using var folder = new TempFolder();
        var x = Enumerable.Range(0, 50).Select(i => i / 49.0).ToArray();
        double[][] y = [x, x];
        MetricCurves.SaveAll(folder.Root, x, y, [0.5, 0.5], x, y, y, y, Names);
        foreach (var file in new[] { "PR_curve.png", "F1_curve.png", "P_curve.png", "R_curve.png" })
        {
            using var decoded = SKBitmap.Decode(folder.PathOf(file));
            Assert.Equal((900, 600), (decoded.Width, decoded.Height));
        }
    }
}
