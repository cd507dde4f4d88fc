using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>One tile of a grid: an (already annotated) image and an optional caption.</summary>
public sealed record GridTile(SKBitmap Image, string? Caption = null);

public enum CaptionPlacement { Below, Above }

/// <summary>
/// A mosaic of tiles like ultralytics' train_batch*.jpg: up to <see cref="MaxTiles"/> images, ceil(sqrt(n)) columns,
/// each resized to fit a square cell (aspect kept), a white border around each, a caption strip under or over it.
/// </summary>
public static class ImageGrid
{
    public const int MaxTiles = 16;

    public static SKBitmap Draw(IReadOnlyList<GridTile> tiles, int cellSize = 256, CaptionPlacement captions = CaptionPlacement.Below,
                                float fontSize = 14, int? columns = null)
    {
        if (tiles.Count == 0) throw new ArgumentException("image grid needs at least one tile");
        if (cellSize < 8) throw new ArgumentOutOfRangeException(nameof(cellSize), cellSize, "grid cell size must be at least 8 pixels");
        int n = Math.Min(tiles.Count, MaxTiles);
        int cols = columns ?? (int)Math.Ceiling(Math.Sqrt(n));
        if (cols < 1) throw new ArgumentOutOfRangeException(nameof(columns), cols, "grid needs at least one column");
        int rows = (n + cols - 1) / cols;
        using var font = Fonts.Create(fontSize);
        bool anyCaption = tiles.Take(n).Any(t => !string.IsNullOrEmpty(t.Caption));
        int strip = anyCaption ? (int)MathF.Ceiling(font.Metrics.Descent - font.Metrics.Ascent + 4) : 0;
        const int border = 2;
        int cellHeight = cellSize + strip;
        var grid = TensorBitmap.Blank(cols * cellSize + (cols + 1) * border, rows * cellHeight + (rows + 1) * border, SKColors.White);
        using var canvas = new SKCanvas(grid);
        using var background = new SKPaint { Color = new SKColor(114, 114, 114), Style = SKPaintStyle.Fill };
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var image = new SKPaint { IsAntialias = true };
        for (int i = 0; i < n; i++)
        {
            var tile = tiles[i];
            float left = border + (i % cols) * (cellSize + border), top = border + (i / cols) * (cellHeight + border);
            float imageTop = captions == CaptionPlacement.Above ? top + strip : top;
            var cell = SKRect.Create(left, imageTop, cellSize, cellSize);
            canvas.DrawRect(cell, background);
            float scale = Math.Min((float)cellSize / tile.Image.Width, (float)cellSize / tile.Image.Height);
            float w = tile.Image.Width * scale, h = tile.Image.Height * scale;
            var destination = SKRect.Create(left + (cellSize - w) / 2, imageTop + (cellSize - h) / 2, w, h);
            using (var source = SKImage.FromBitmap(tile.Image))
                canvas.DrawImage(source, destination, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), image);
            if (string.IsNullOrEmpty(tile.Caption)) continue;
            float stripTop = captions == CaptionPlacement.Above ? top : top + cellSize;
            canvas.Save();
            canvas.ClipRect(SKRect.Create(left, stripTop, cellSize, strip));
            canvas.DrawText(tile.Caption, left + 2, stripTop + 2 - font.Metrics.Ascent, SKTextAlign.Left, font, text);
            canvas.Restore();
        }
        return grid;
    }
}
