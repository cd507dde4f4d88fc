using ScottPlot;

namespace Osprey.Visuals.Plots;

/// <summary>
/// results.png as ultralytics' plot_results draws it: one small panel per results.csv column except the epoch, the
/// values against the epoch (markers and line, "results") and a Gaussian-smoothed dotted line ("smooth").
/// </summary>
public static class ResultsPlot
{
    public const string EpochColumn = "epoch";
    public const string SeriesLabel = "results", SmoothLabel = "smooth";
    public const int PanelWidth = 300, PanelHeight = 250;

    /// <summary>One plot per column after the epoch; epochs with an empty cell are left out of that column's series.</summary>
    public static List<Plot> Panels(ResultsTable table)
    {
        int epochIndex = table.Columns.ToList().IndexOf(EpochColumn);
        var epochs = epochIndex >= 0 ? table.Column(EpochColumn) : Enumerable.Range(1, table.Rows.Count).Select(e => (double)e).ToArray();
        var panels = new List<Plot>();
        for (int c = 0; c < table.Columns.Count; c++)
        {
            if (c == epochIndex) continue;
            var plot = PlotStyle.Panel(table.Columns[c], 12);
            var kept = Enumerable.Range(0, table.Rows.Count).Where(r => double.IsFinite(table.Rows[r][c])).ToArray();
            var x = kept.Select(r => epochs[r]).ToArray();
            var y = kept.Select(r => table.Rows[r][c]).ToArray();
            if (x.Length > 0)
            {
                var series = plot.Add.Scatter(x, y, Palette.PlotColor(0));
                series.LegendText = SeriesLabel;
                series.MarkerSize = 6;
                series.LineWidth = 2;
                if (x.Length > 1)
                {
                    var smooth = plot.Add.ScatterLine(x, Smoothing.Gaussian(y), ScottPlot.Color.FromHex("#FF7F0E"));
                    smooth.LegendText = SmoothLabel;
                    smooth.LinePattern = LinePattern.Dotted;
                    smooth.LineWidth = 2;
                }
            }
            plot.Axes.Bottom.Label.Text = EpochColumn;
            plot.Axes.Bottom.Label.FontSize = 10;
            plot.Axes.Bottom.TickLabelStyle.FontSize = 9;
            plot.Axes.Left.TickLabelStyle.FontSize = 9;
            panels.Add(plot);
        }
        if (panels.Count == 0) throw new ArgumentException($"results table has no column to plot besides '{EpochColumn}'");
        panels[0].ShowLegend(Alignment.UpperRight);
        return panels;
    }

    /// <summary>Columns per row of the grid: all in one row up to 5 panels, else two rows (ultralytics' layout).</summary>
    public static int ColumnsFor(int panels) => panels <= 5 ? panels : (panels + 1) / 2;

    /// <summary>Writes results.png for <paramref name="table"/>; returns its (width, height).</summary>
    public static (int Width, int Height) Save(string path, ResultsTable table)
    {
        var panels = Panels(table);
        try
        {
            int columns = ColumnsFor(panels.Count), rows = (panels.Count + columns - 1) / columns;
            PlotImage.Save(path, panels, columns, PanelWidth, PanelHeight);
            return (columns * PanelWidth, rows * PanelHeight);
        }
        finally
        {
            foreach (var p in panels) p.Dispose();
        }
    }
}
