using Osprey.Tests.Data;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using ScottPlot.Plottables;
using SkiaSharp;

namespace Osprey.Tests.Visuals;

public class ResultsPlotTests
{
    const string Csv = "epoch,train/loss,val/loss,metrics/accuracy_top1,lr\n" +
                       "1,2.1,1.9,0.41,0.01\n2,1.5,,0.62,0.008\n3,1.2,1.1,0.7,0.005\n4,1.0,0.95,0.74,0.002\n";

    [Fact]
    public void Every_column_but_epoch_gets_a_panel_whose_series_equals_the_csv()
    {
        using var folder = new TempFolder();
        var table = ResultsTable.Read(folder.Write("results.csv", System.Text.Encoding.UTF8.GetBytes(Csv)));
        var panels = ResultsPlot.Panels(table);
        try
        {
            Assert.Equal(["train/loss", "val/loss", "metrics/accuracy_top1", "lr"], panels.Select(p => p.Axes.Title.Label.Text));
            var epochs = table.Column("epoch");
            for (int c = 1; c < table.Columns.Count; c++)
            {
                var scatters = panels[c - 1].GetPlottables().OfType<Scatter>().ToList();
                var series = scatters.Single(s => s.LegendText == ResultsPlot.SeriesLabel).Data.GetScatterPoints();
                var values = table.Column(table.Columns[c]);
                var expected = epochs.Zip(values).Where(p => double.IsFinite(p.Second)).ToList();
                Assert.Equal(expected.Select(p => p.First), series.Select(p => p.X));
                Assert.Equal(expected.Select(p => p.Second), series.Select(p => p.Y));
                var smooth = scatters.Single(s => s.LegendText == ResultsPlot.SmoothLabel).Data.GetScatterPoints();
                Assert.Equal(Smoothing.Gaussian(expected.Select(p => p.Second).ToArray()), smooth.Select(p => p.Y));
            }
            // The empty val/loss cell of epoch 2 is left out, not plotted as zero.
            Assert.Equal(3, panels[1].GetPlottables().OfType<Scatter>().First().Data.GetScatterPoints().Count);
        }
        finally { foreach (var p in panels) p.Dispose(); }
    }

    [Fact]
    public void Results_png_decodes_with_the_stated_size()
    {
        using var folder = new TempFolder();
        var table = ResultsTable.Read(folder.Write("results.csv", System.Text.Encoding.UTF8.GetBytes(Csv)));
        var path = folder.PathOf("results.png");
        var (width, height) = ResultsPlot.Save(path, table);
        Assert.Equal((4 * ResultsPlot.PanelWidth, ResultsPlot.PanelHeight), (width, height));
        using var decoded = SKBitmap.Decode(path);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        Assert.Single(Directory.GetFiles(folder.Root, "results.png*")); // the temporary file was renamed away
        // Drawn, not blank: the series colour appears.
        var rgba = TensorBitmap.Rgba(decoded);
        var blue = Palette.Color(0);
        Assert.Contains(Enumerable.Range(0, rgba.Length / 4), i => rgba[4 * i] == blue.Red && rgba[4 * i + 1] == blue.Green && rgba[4 * i + 2] == blue.Blue);
    }

    [Fact]
    public void Bad_cell_is_reported_with_file_line_and_column()
    {
        using var folder = new TempFolder();
        var path = folder.Write("results.csv", System.Text.Encoding.UTF8.GetBytes("epoch,loss\n1,0.5\n2,abc\n"));
        var error = Assert.Throws<InvalidDataException>(() => ResultsTable.Read(path));
        Assert.Contains("results.csv:3", error.Message);
        Assert.Contains("'loss'", error.Message);
    }

    [Fact]
    public void Ten_columns_are_laid_out_in_two_rows()
    {
        Assert.Equal(4, ResultsPlot.ColumnsFor(4));
        Assert.Equal(5, ResultsPlot.ColumnsFor(10));
        Assert.Equal(6, ResultsPlot.ColumnsFor(11));
    }
}
