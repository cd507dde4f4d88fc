using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>A palette legend: one row per class, a swatch of its palette colour and its name, on a white card.</summary>
public static class Legend
{
    /// <summary>A new bitmap listing <paramref name="names"/> with palette colours 0, 1, 2, ... (or the given class ids).</summary>
    public static SKBitmap Draw(IReadOnlyList<string> names, IReadOnlyList<int>? classIds = null, float fontSize = 14)
    {
        if (names.Count == 0) throw new ArgumentException("legend needs at least one class name");
        if (classIds != null && classIds.Count != names.Count)
            throw new ArgumentException($"legend has {names.Count} names and {classIds.Count} class ids");
        using var font = Fonts.Create(fontSize);
        float row = MathF.Ceiling(fontSize * 1.5f), swatch = MathF.Ceiling(fontSize), pad = MathF.Ceiling(fontSize * 0.5f);
        float textWidth = names.Max(n => font.MeasureText(n));
        int width = (int)MathF.Ceiling(pad * 3 + swatch + textWidth), height = (int)MathF.Ceiling(pad * 2 + row * names.Count);
        var bitmap = TensorBitmap.Blank(width, height, SKColors.White);
        using var canvas = new SKCanvas(bitmap);
        using var fill = new SKPaint { Style = SKPaintStyle.Fill };
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        for (int i = 0; i < names.Count; i++)
        {
            float top = pad + i * row;
            fill.Color = Palette.Color(classIds?[i] ?? i);
            canvas.DrawRect(SKRect.Create(pad, top + (row - swatch) / 2, swatch, swatch), fill);
            canvas.DrawText(names[i], pad * 2 + swatch, top + row / 2 - (font.Metrics.Ascent + font.Metrics.Descent) / 2, SKTextAlign.Left, font, text);
        }
        return bitmap;
    }

    /// <summary>Pastes <paramref name="legend"/> into the top-right corner of <paramref name="image"/>.</summary>
    public static void Paste(SKBitmap image, SKBitmap legend, int margin = 4)
    {
        using var canvas = new SKCanvas(image);
        using var pasted = SKImage.FromBitmap(legend);
        canvas.DrawImage(pasted, Math.Max(0, image.Width - legend.Width - margin), margin, new SKSamplingOptions(SKFilterMode.Nearest));
    }
}
