using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>
/// The typeface of every label and plot: DejaVu Sans from Debian's <c>fonts-dejavu-core</c> (or the file named by
/// OSPREY_FONT). Skia's Linux build without dependencies has no fontconfig, so the file is loaded by path.
/// </summary>
public static class Fonts
{
    public const string EnvironmentVariable = "OSPREY_FONT";
    public const string DefaultPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    /// <summary>The family name ScottPlot knows the font by once <see cref="UseInPlots"/> has run.</summary>
    public const string PlotFamily = "Osprey DejaVu Sans";

    static readonly Lazy<SKTypeface> typeface = new(() => Load(FilePath));
    static readonly object plotLock = new();
    static bool plotsConfigured;

    public static string FilePath => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } p ? p : DefaultPath;

    public static SKTypeface Typeface => typeface.Value;

    public static SKFont Create(float size) => new(Typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    /// <summary>Registers the font with ScottPlot and makes it the default of new plots (idempotent).</summary>
    public static void UseInPlots()
    {
        lock (plotLock)
        {
            if (plotsConfigured) return;
            _ = Typeface; // fails with the install hint when the file is missing
            ScottPlot.Fonts.AddFontFile(PlotFamily, FilePath, bold: false, italic: false);
            ScottPlot.Fonts.AddFontFile(PlotFamily, FilePath, bold: true, italic: false);
            ScottPlot.Fonts.Default = PlotFamily;
            ScottPlot.Fonts.Sans = PlotFamily;
            plotsConfigured = true;
        }
    }

    /// <summary>The typeface in the font file at <paramref name="path"/>, or an error saying how to install one.</summary>
    public static SKTypeface Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"font file {path} not found: install Debian's fonts-dejavu-core (scripts/setup.sh does) or set {EnvironmentVariable} to a .ttf file", path);
        return SKTypeface.FromFile(path)
               ?? throw new InvalidDataException($"font file {path} could not be read as a TrueType/OpenType font (set {EnvironmentVariable} to another .ttf)");
    }
}
