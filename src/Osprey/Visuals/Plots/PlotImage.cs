using ScottPlot;
using SkiaSharp;

namespace Osprey.Visuals.Plots;

/// <summary>Renders ScottPlot plots, alone or as a grid of equal panels, into one picture written atomically.</summary>
public static class PlotImage
{
    /// <summary>The panels in row-major order, <paramref name="columns"/> per row, each <paramref name="panelWidth"/> x
    /// <paramref name="panelHeight"/> pixels, on white.</summary>
    public static SKImage Render(IReadOnlyList<Plot> panels, int columns, int panelWidth, int panelHeight)
    {
        if (panels.Count == 0) throw new ArgumentException("nothing to plot: no panels");
        if (columns < 1 || panelWidth < 16 || panelHeight < 16)
            throw new ArgumentOutOfRangeException(nameof(columns), $"plot grid of {columns} columns of {panelWidth}x{panelHeight} panels is too small");
        int rows = (panels.Count + columns - 1) / columns;
        using var surface = SKSurface.Create(new SKImageInfo(columns * panelWidth, rows * panelHeight, SKColorType.Rgba8888, SKAlphaType.Premul))
                            ?? throw new InvalidOperationException($"Skia could not create a {columns * panelWidth}x{rows * panelHeight} surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int i = 0; i < panels.Count; i++)
        {
            canvas.Save();
            canvas.Translate(i % columns * panelWidth, i / columns * panelHeight);
            canvas.ClipRect(SKRect.Create(panelWidth, panelHeight));
            panels[i].Render(canvas, panelWidth, panelHeight);
            canvas.Restore();
        }
        canvas.Flush();
        return surface.Snapshot();
    }

    public static void Save(string path, IReadOnlyList<Plot> panels, int columns, int panelWidth, int panelHeight)
    {
        using var image = Render(panels, columns, panelWidth, panelHeight);
        ImageFile.Write(path, image);
    }

    public static void Save(string path, Plot plot, int width, int height) => Save(path, [plot], 1, width, height);

    /// <summary>Renders a small throw-away plot, so the first real one does not pay for loading ScottPlot, Skia and the
    /// font (a few hundred milliseconds in a new process).</summary>
    public static void WarmUp()
    {
        using var plot = PlotStyle.Panel("warm-up");
        plot.Add.ScatterLine(new double[] { 0, 1 }, new double[] { 0, 1 });
        using var image = Render([plot], 1, 64, 64);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
    }
}
