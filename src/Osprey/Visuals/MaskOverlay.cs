using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>
/// Masks drawn over an image: the mask's pixels blended with a colour, out = round(image + alpha (colour - image)) per
/// channel (ultralytics' overlay), then optionally the mask's outline stroked in the opaque colour.
/// </summary>
public static class MaskOverlay
{
    /// <summary>Blends the pixels where <paramref name="mask"/> (H*W, row-major, non-zero = inside) is set.</summary>
    public static void Fill(SKBitmap bitmap, ReadOnlySpan<byte> mask, SKColor color, double alpha)
    {
        CheckMask(bitmap, mask.Length);
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "mask alpha must be in [0, 1]");
        var rgba = TensorBitmap.Rgba(bitmap);
        ReadOnlySpan<byte> target = [color.Red, color.Green, color.Blue];
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0) continue;
            for (int c = 0; c < 3; c++)
            {
                double v = rgba[4 * i + c];
                rgba[4 * i + c] = (byte)Math.Round(v + alpha * (target[c] - v), MidpointRounding.AwayFromZero);
            }
        }
        CopyInto(bitmap, rgba);
    }

    /// <summary>Strokes the boundary of the mask's region, <paramref name="width"/> pixels wide, centred on the boundary.</summary>
    public static void Outline(SKBitmap bitmap, ReadOnlySpan<byte> mask, SKColor color, float width = 2)
    {
        CheckMask(bitmap, mask.Length);
        using var region = Region(mask, bitmap.Width, bitmap.Height);
        if (region.IsEmpty) return;
        using var path = region.GetBoundaryPath();
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { Color = color.WithAlpha(255), Style = SKPaintStyle.Stroke, StrokeWidth = width, IsAntialias = true };
        canvas.DrawPath(path, paint);
    }

    /// <summary>A segmentation overlay: every class id k &gt;= 0 of <paramref name="classMap"/> (H*W, row-major) filled with
    /// colour k — of <paramref name="colours"/> (a dataset's palette) when given, else the ultralytics <see cref="Palette"/>
    /// — then outlined. Ids &lt; 0, equal to <paramref name="ignoreIndex"/> or without a colour are left alone.</summary>
    public static void Classes(SKBitmap bitmap, ReadOnlySpan<int> classMap, double alpha = 0.5, bool outline = true, int ignoreIndex = 255,
                               IReadOnlyList<SKColor>? colours = null)
    {
        CheckMask(bitmap, classMap.Length);
        var ids = new SortedSet<int>();
        foreach (var k in classMap)
            if (k >= 0 && k != ignoreIndex && (colours == null || k < colours.Count)) ids.Add(k);
        var mask = new byte[classMap.Length];
        foreach (var k in ids)
        {
            var colour = colours?[k] ?? Palette.Color(k);
            for (int i = 0; i < mask.Length; i++) mask[i] = classMap[i] == k ? (byte)1 : (byte)0;
            Fill(bitmap, mask, colour, alpha);
            if (outline) Outline(bitmap, mask, colour, 1);
        }
    }

    /// <summary>The mask's pixels as a Skia region (a union of one rectangle per run of set pixels in each row).</summary>
    public static SKRegion Region(ReadOnlySpan<byte> mask, int width, int height)
    {
        var runs = new List<SKRectI>();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width;)
            {
                if (mask[y * width + x] == 0) { x++; continue; }
                int start = x;
                while (x < width && mask[y * width + x] != 0) x++;
                runs.Add(new SKRectI(start, y, x, y + 1));
            }
        var region = new SKRegion();
        region.SetRects(runs.ToArray());
        return region;
    }

    static void CheckMask(SKBitmap bitmap, int length)
    {
        if (length != bitmap.Width * bitmap.Height)
            throw new ArgumentException($"mask of {length} pixels for a {bitmap.Width}x{bitmap.Height} image (needs {bitmap.Width * bitmap.Height})");
    }

    static void CopyInto(SKBitmap bitmap, byte[] rgba)
    {
        if (bitmap.ColorType == SKColorType.Rgba8888 && bitmap.AlphaType == SKAlphaType.Unpremul && bitmap.RowBytes == bitmap.Width * 4)
        {
            System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
            bitmap.NotifyPixelsChanged();
            return;
        }
        using var blended = TensorBitmap.FromRgba(rgba, bitmap.Width, bitmap.Height);
        using var canvas = new SKCanvas(bitmap);
        using var image = SKImage.FromBitmap(blended);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
    }
}
