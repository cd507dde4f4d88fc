using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>One detection's attention map: weights over a feature grid (row-major <see cref="Height"/> x
/// <see cref="Width"/>) whose cells each cover <see cref="CellWidth"/> x <see cref="CellHeight"/> pixels of the image,
/// from its top-left corner (cells past the image's edge are cut).</summary>
public sealed record AttentionMap(float[] Weights, int Height, int Width, double CellHeight, double CellWidth)
{
    public void Validate()
    {
        if (Height < 1 || Width < 1 || Weights.Length != Height * Width)
            throw new ArgumentException($"attention map of {Weights.Length} weights for a {Height}x{Width} grid");
        if (!(CellHeight > 0 && CellWidth > 0)) throw new ArgumentException($"attention cells must have a positive size, got {CellWidth}x{CellHeight}");
    }
}

/// <summary>
/// Where a detection looked, as the official DETR attention notebook shows each kept query: its attention map beside
/// the image with its box. Left panel: the map in matplotlib's default colour map (viridis), scaled from the map's
/// minimum to its maximum as imshow does, each feature cell drawn over the pixels it covers and blended over the image
/// (out = image + <c>alpha</c> (colour - image)); right panel: the image with the box and its label. The picture is
/// twice the image's width and its height.
/// </summary>
public static class AttentionPicture
{
    public const double DefaultAlpha = 0.7;

    static readonly ScottPlot.Colormaps.Viridis Viridis = new();

    public static SKBitmap Draw(SKBitmap image, AttentionMap map, SKRect box, int classIndex, string? label,
                                float? lineWidth = null, double alpha = DefaultAlpha)
    {
        map.Validate();
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "attention alpha must be in [0, 1]");
        int w = image.Width, h = image.Height;
        var heat = TensorBitmap.Rgba(image);
        float low = map.Weights.Min(), high = map.Weights.Max();
        var colours = map.Weights.Select(v => Viridis.GetColor(high > low ? (v - low) / (double)(high - low) : 0)).ToArray();
        for (int y = 0; y < h; y++)
        {
            int row = Math.Min(map.Height - 1, (int)(y / map.CellHeight));
            for (int x = 0; x < w; x++)
            {
                var c = colours[row * map.Width + Math.Min(map.Width - 1, (int)(x / map.CellWidth))];
                int i = 4 * (y * w + x);
                heat[i] = Blend(heat[i], c.R, alpha);
                heat[i + 1] = Blend(heat[i + 1], c.G, alpha);
                heat[i + 2] = Blend(heat[i + 2], c.B, alpha);
            }
        }
        using var left = TensorBitmap.FromRgba(heat, w, h);
        using var right = image.Copy() ?? throw new InvalidOperationException("Skia could not copy the image");
        using (var annotator = new Annotator(right, lineWidth))
            // A collapsed box (a query predicting zero width) still shows as one pixel.
            annotator.Box(box.Left, box.Top, MathF.Max(box.Right, box.Left + 1), MathF.Max(box.Bottom, box.Top + 1), classIndex, label);

        var picture = TensorBitmap.Blank(2 * w, h, SKColors.White);
        using var canvas = new SKCanvas(picture);
        foreach (var (panel, x) in new[] { (left, 0), (right, w) })
        {
            using var drawn = SKImage.FromBitmap(panel);
            canvas.DrawImage(drawn, x, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }
        return picture;
    }

    static byte Blend(byte v, byte target, double alpha) => (byte)Math.Round(v + alpha * (target - v), MidpointRounding.AwayFromZero);
}
