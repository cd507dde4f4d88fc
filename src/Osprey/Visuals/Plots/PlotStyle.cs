using ScottPlot;

namespace Osprey.Visuals.Plots;

/// <summary>New ScottPlot plots with the toolkit's font and a compact look for small panels.</summary>
public static class PlotStyle
{
    public static Plot Panel(string title, float titleSize = 14)
    {
        Fonts.UseInPlots();
        var plot = new Plot();
        plot.Font.Set(Fonts.PlotFamily);
        plot.Axes.Title.Label.Text = title;
        plot.Axes.Title.Label.FontSize = titleSize;
        plot.Axes.Title.Label.Bold = false;
        return plot;
    }

    /// <summary>Names on the ticks of an axis at positions 0, 1, 2, ... (or the given positions).</summary>
    public static void NamedTicks(IAxis axis, IReadOnlyList<string> names, IReadOnlyList<double>? positions = null, float rotation = 0)
    {
        var at = Enumerable.Range(0, names.Count).Select(i => positions?[i] ?? i).ToArray();
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(at, names.ToArray());
        axis.TickLabelStyle.Rotation = rotation;
        axis.MajorTickStyle.Length = 0;
        if (rotation == 0 || names.Count == 0) return;
        // Rotated labels need room below the axis: the longest label's rotated height, plus the axis title.
        axis.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        using var font = Fonts.Create(axis.TickLabelStyle.FontSize);
        float longest = names.Max(n => font.MeasureText(n));
        axis.MinimumSize = longest * MathF.Sin(rotation * MathF.PI / 180) + 2 * axis.TickLabelStyle.FontSize + 20;
    }
}
