using Osprey.Torch;
using Osprey.Visuals;
using SkiaSharp;

namespace Osprey.Training.Pictures;

/// <summary>
/// A batch's images as grid tiles: denormalized (<see cref="BatchImages"/>), at most <see cref="ImageGrid.MaxTiles"/>,
/// scaled so the longer side fills a grid cell (96..256 pixels), so boxes and labels are drawn at the size they are seen.
/// </summary>
public static class BatchTiles
{
    public const int MinCell = 96, MaxCell = 256;

    /// <summary>The grid cell for images of <paramref name="height"/> x <paramref name="width"/>.</summary>
    public static int CellFor(long height, long width) => (int)Math.Clamp(Math.Max(height, width), MinCell, MaxCell);

    /// <summary>The tiles and the factor from the batch's pixels to the tiles' (the same for every image of a batch).</summary>
    public static (List<SKBitmap> Tiles, float Scale) Scaled(Tensor images, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        var bitmaps = BatchImages.ToBitmaps(images, mean, std);
        int height = bitmaps[0].Height, width = bitmaps[0].Width;
        float scale = (float)CellFor(height, width) / Math.Max(height, width);
        if (scale == 1) return (bitmaps, 1);
        var info = new SKImageInfo(Math.Max(1, (int)MathF.Round(width * scale)), Math.Max(1, (int)MathF.Round(height * scale)), SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var scaled = new List<SKBitmap>(bitmaps.Count);
        try
        {
            foreach (var b in bitmaps)
                scaled.Add(b.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None))
                           ?? throw new InvalidOperationException($"Skia could not scale a {width}x{height} image to {info.Width}x{info.Height}"));
        }
        catch
        {
            foreach (var b in scaled) b.Dispose();
            throw;
        }
        finally { foreach (var b in bitmaps) b.Dispose(); }
        return (scaled, scale);
    }

    /// <summary>Writes the tiles as one grid (captions under the tiles when given) and disposes them.</summary>
    public static void WriteGrid(string path, List<SKBitmap> tiles, IReadOnlyList<string>? captions = null)
    {
        try
        {
            int cell = Math.Clamp(tiles.Max(t => Math.Max(t.Width, t.Height)), MinCell, MaxCell);
            using var grid = ImageGrid.Draw(tiles.Select((t, i) => new GridTile(t, captions != null && i < captions.Count ? captions[i] : null)).ToList(), cell);
            ImageFile.Write(path, grid);
        }
        finally { foreach (var t in tiles) t.Dispose(); }
    }
}
