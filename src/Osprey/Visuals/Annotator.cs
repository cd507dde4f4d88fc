using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>
/// Draws boxes, labels and text on a bitmap in place, in the manner of ultralytics' Annotator: a box outline in the
/// class colour, a filled tag in the same colour holding "name 0.87" above the box (inside it when there is no room
/// above), line width and font size scaled to the image unless given.
/// </summary>
public sealed class Annotator : IDisposable
{
    readonly SKBitmap bitmap;
    readonly SKCanvas canvas;
    readonly SKFont font;

    public Annotator(SKBitmap bitmap, float? lineWidth = null, float? fontSize = null)
    {
        this.bitmap = bitmap;
        canvas = new SKCanvas(bitmap);
        float halfPerimeter = (bitmap.Width + bitmap.Height) / 2f;
        LineWidth = lineWidth ?? MathF.Max(MathF.Round(halfPerimeter * 0.003f), 2);
        font = Fonts.Create(fontSize ?? MathF.Max(MathF.Round(halfPerimeter * 0.035f), 12));
    }

    public float LineWidth { get; }
    public float FontSize => font.Size;

    /// <summary>Outlines pixels [x1, x2) x [y1, y2) with a <see cref="LineWidth"/>-wide border drawn inward, in the colour
    /// of <paramref name="classIndex"/>; with a label, draws its tag at the box's top-left corner. Returns the tag's rectangle
    /// (empty without a label).</summary>
    public SKRect Box(float x1, float y1, float x2, float y2, int classIndex, string? label = null) =>
        Box(new SKRect(x1, y1, x2, y2), Palette.Color(classIndex), label);

    public SKRect Box(SKRect box, SKColor color, string? label = null)
    {
        if (!(box.Width > 0 && box.Height > 0) || !float.IsFinite(box.Left + box.Top + box.Right + box.Bottom))
            throw new ArgumentException($"box ({box.Left}, {box.Top}, {box.Right}, {box.Bottom}) must have x1 < x2 and y1 < y2");
        float w = MathF.Min(LineWidth, MathF.Min(box.Width, box.Height) / 2);
        using var paint = new SKPaint { Color = color, Style = SKPaintStyle.Fill, IsAntialias = false };
        canvas.DrawRect(new SKRect(box.Left, box.Top, box.Right, box.Top + w), paint);
        canvas.DrawRect(new SKRect(box.Left, box.Bottom - w, box.Right, box.Bottom), paint);
        canvas.DrawRect(new SKRect(box.Left, box.Top, box.Left + w, box.Bottom), paint);
        canvas.DrawRect(new SKRect(box.Right - w, box.Top, box.Right, box.Bottom), paint);
        if (string.IsNullOrEmpty(label)) return SKRect.Empty;
        float tagHeight = TagHeight;
        bool above = box.Top - tagHeight >= 0;
        return Tag(label, box.Left, above ? box.Top - tagHeight : box.Top, color);
    }

    /// <summary>The "name 0.87" label of a detection (ultralytics' format), or the name alone without a confidence.</summary>
    public static string Label(string name, double? confidence) => confidence is { } c ? $"{name} {c:0.00}" : name;

    /// <summary>A filled tag of <paramref name="color"/> with <paramref name="text"/> in black or white on it, top-left corner
    /// at (<paramref name="x"/>, <paramref name="y"/>), pushed back inside the image. Returns the tag's rectangle.</summary>
    public SKRect Tag(string text, float x, float y, SKColor color)
    {
        float pad = MathF.Max(2, MathF.Round(font.Size * 0.15f));
        float width = font.MeasureText(text) + 2 * pad;
        var tag = SKRect.Create(MathF.Max(0, MathF.Min(x, bitmap.Width - width)), MathF.Max(0, MathF.Min(y, bitmap.Height - TagHeight)), width, TagHeight);
        using var fill = new SKPaint { Color = color, Style = SKPaintStyle.Fill, IsAntialias = false };
        canvas.DrawRect(tag, fill);
        Text(text, tag.Left + pad, tag.Top + pad - font.Metrics.Ascent, Palette.TextOn(color));
        return tag;
    }

    /// <summary>Draws <paramref name="text"/> with its baseline starting at (<paramref name="x"/>, <paramref name="baseline"/>).</summary>
    public void Text(string text, float x, float baseline, SKColor color)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(text, x, baseline, SKTextAlign.Left, font, paint);
    }

    /// <summary>Lines of text on filled tags, one under the other from (<paramref name="x"/>, <paramref name="y"/>) (e.g. a
    /// classifier's top-5).</summary>
    public void TextLines(IReadOnlyList<string> lines, float x, float y, SKColor tagColor)
    {
        foreach (var line in lines)
        {
            var tag = Tag(line, x, y, tagColor);
            y = tag.Bottom;
        }
    }

    float TagHeight => MathF.Ceiling(font.Metrics.Descent - font.Metrics.Ascent + 2 * MathF.Max(2, MathF.Round(font.Size * 0.15f)));

    public void Dispose()
    {
        canvas.Flush();
        canvas.Dispose();
        font.Dispose();
    }
}
