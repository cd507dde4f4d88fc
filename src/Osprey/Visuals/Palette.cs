using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>
/// The 20 class colours of ultralytics' plotting palette (<c>ultralytics.utils.plotting.Colors</c>), same values in the
/// same order, so class k has the colour an ultralytics user expects; indices wrap around after 20.
/// </summary>
public static class Palette
{
    static readonly uint[] Rgb =
    [
        0x042AFF, 0x0BDBEB, 0xF3F3F3, 0x00DFB7, 0x111F68, 0xFF6FDD, 0xFF444F, 0xCCED00, 0x00F344, 0xBD00FF,
        0x00B4FF, 0xDD00BA, 0x00FFFF, 0x26C000, 0x01FFB3, 0x7D24FF, 0x7B0068, 0xFF1B6C, 0xFC6D2F, 0xA2FF0B,
    ];

    public static int Count => Rgb.Length;

    /// <summary>The opaque colour of class <paramref name="index"/> (non-negative; wraps modulo 20).</summary>
    public static SKColor Color(int index)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "palette index must be non-negative");
        uint rgb = Rgb[index % Rgb.Length];
        return new SKColor((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
    }

    /// <summary>Black or white, whichever reads better on <paramref name="background"/> (ITU-R BT.601 luma).</summary>
    public static SKColor TextOn(SKColor background) =>
        0.299 * background.Red + 0.587 * background.Green + 0.114 * background.Blue > 150 ? SKColors.Black : SKColors.White;

    /// <summary>ScottPlot's colour for class <paramref name="index"/> (the same palette in plots).</summary>
    public static ScottPlot.Color PlotColor(int index)
    {
        var c = Color(index);
        return new ScottPlot.Color(c.Red, c.Green, c.Blue);
    }
}
