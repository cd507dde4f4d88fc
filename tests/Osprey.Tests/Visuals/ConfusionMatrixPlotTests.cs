using Osprey.Tests.Data;
using Osprey.Visuals.Plots;
using ScottPlot;
using ScottPlot.Plottables;
using SkiaSharp;

namespace Osprey.Tests.Visuals;

public class ConfusionMatrixPlotTests
{
    static readonly long[,] Counts = { { 8, 2, 0 }, { 1, 5, 4 }, { 0, 0, 0 } }; // [true, predicted]
    static readonly string[] Names = ["cat", "dog", "bird"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cell_at_true_x_predicted_y_shows_the_count_or_its_share_of_the_true_class(bool normalize)
    {
        using var plot = ConfusionMatrixPlot.Build(Counts, Names, normalize);
        var heatmap = plot.GetPlottables().OfType<Heatmap>().Single();
        for (int t = 0; t < 3; t++)
        {
            long total = Enumerable.Range(0, 3).Sum(p => Counts[t, p]);
            for (int p = 0; p < 3; p++)
            {
                double expected = !normalize ? Counts[t, p] : total == 0 ? 0 : (double)Counts[t, p] / total;
                Assert.Equal(expected, heatmap.GetValue(new Coordinates(t, ConfusionMatrixPlot.YOf(p, 3))), 1e-12);
            }
        }
        // Row by row from the top (prediction 0), left to right.
        var annotations = plot.GetPlottables().OfType<Text>().Select(x => x.LabelText).ToList();
        Assert.Equal(normalize ? ["0.80", "0.10", "0.20", "0.50", "0.40"] : ["8", "1", "2", "5", "4"], annotations);
    }

    [Fact]
    public void Class_names_label_both_axes_and_background_is_optional()
    {
        using var plot = ConfusionMatrixPlot.Build(new long[4, 4], Names, normalize: false, withBackground: true);
        plot.RenderInMemory(600, 500); // the tick generator lays out its ticks when the plot renders
        var bottom = plot.Axes.Bottom.TickGenerator.Ticks.Select(t => t.Label);
        var left = plot.Axes.Left.TickGenerator.Ticks.OrderByDescending(t => t.Position).Select(t => t.Label);
        Assert.Equal(["cat", "dog", "bird", "background"], bottom);
        Assert.Equal(["cat", "dog", "bird", "background"], left); // row 0 at the top
        Assert.Equal("True", plot.Axes.Bottom.Label.Text);
        Assert.Equal("Predicted", plot.Axes.Left.Label.Text);
        var error = Assert.Throws<ArgumentException>(() => ConfusionMatrixPlot.Build(Counts, Names, false, withBackground: true));
        Assert.Contains("plus the background", error.Message);
    }

    [Fact]
    public void Files_decode()
    {
        using var folder = new TempFolder();
        ConfusionMatrixPlot.Save(folder.PathOf("confusion_matrix.png"), Counts, Names, normalize: false);
        using var decoded = SKBitmap.Decode(folder.PathOf("confusion_matrix.png"));
        Assert.Equal((600, 500), (decoded.Width, decoded.Height));
    }
}
