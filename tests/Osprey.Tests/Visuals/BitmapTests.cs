using Osprey.Tests.Data;
using Osprey.Visuals;
using SkiaSharp;

namespace Osprey.Tests.Visuals;

public class BitmapTests
{
    [Fact]
    public void Tensor_to_bitmap_and_back_is_exact_and_grey_becomes_grey_rgb()
    {
        using var scope = TensorScope.Begin();
        var chw = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)(i * 4)).ToArray();
        using var bitmap = TensorBitmap.ToBitmap(Tensor.From(chw, 3, 4, 5));
        Assert.Equal((5, 4), (bitmap.Width, bitmap.Height));
        Assert.Equal(new SKColor(chw[1 * 5 + 2], chw[20 + 1 * 5 + 2], chw[40 + 1 * 5 + 2]), bitmap.GetPixel(2, 1));
        Assert.Equal(chw, TensorBitmap.ToTensor(bitmap).ToArray<byte>());
        using var grey = TensorBitmap.ToBitmap(Tensor.From(new byte[] { 7, 200 }, 1, 1, 2));
        Assert.Equal(new SKColor(200, 200, 200), grey.GetPixel(1, 0));
        var error = Assert.Throws<ArgumentException>(() => TensorBitmap.ToBitmap(Tensor.From(new float[12], 3, 2, 2)));
        Assert.Contains("uint8", error.Message);
    }

    [Fact]
    public void Batch_images_are_denormalized_exactly()
    {
        using var scope = TensorScope.Begin();
        // x = (p / 255 - mean) / std for p = 0, 51, 255 with mean 0.2, std 0.5.
        var x = new[] { 0f, 51f, 255f }.Select(p => (p / 255f - 0.2f) / 0.5f).ToArray();
        var bitmaps = BatchImages.ToBitmaps(Tensor.From(x, 1, 1, 1, 3), [0.2f], [0.5f]);
        Assert.Equal([0, 51, 255], Enumerable.Range(0, 3).Select(i => (int)bitmaps[0].GetPixel(i, 0).Red));
        bitmaps[0].Dispose();
        Assert.Throws<ArgumentException>(() => BatchImages.ToBitmaps(Tensor.From(x, 1, 1, 1, 3), [0.2f, 0.2f], [0.5f, 0.5f]));
    }

    [Fact]
    public void Grid_places_tiles_in_rows_and_captions_under_or_over_them()
    {
        var tiles = Enumerable.Range(0, 5).Select(i => new GridTile(TensorBitmap.Blank(20, 10, Palette.Color(i)), $"tile {i}")).ToList();
        using var below = ImageGrid.Draw(tiles, cellSize: 40, CaptionPlacement.Below);
        using var above = ImageGrid.Draw(tiles, cellSize: 40, CaptionPlacement.Above);
        // 5 tiles -> 3 columns, 2 rows; a 20x10 tile scales to 40x20, centred vertically in its 40x40 cell.
        Assert.Equal(3 * 40 + 4 * 2, below.Width);
        int strip = (below.Height - 3 * 2) / 2 - 40;
        Assert.True(strip > 10, $"caption strip {strip}");
        Assert.Equal(Palette.Color(4), below.GetPixel(2 + 40 + 2 + 20, 2 + 40 + strip + 2 + 20));   // tile 4: row 1, column 1
        Assert.Equal(Palette.Color(0), above.GetPixel(2 + 20, 2 + strip + 20));
        Assert.Equal(new SKColor(114, 114, 114), below.GetPixel(2 + 20, 2 + 5));                   // letterbox above tile 0
        Assert.True(HasDarkPixel(below, 2, 2 + 40, 40, strip), "no caption text under tile 0");
        Assert.True(HasDarkPixel(above, 2, 2, 40, strip), "no caption text over tile 0");
        foreach (var t in tiles) t.Image.Dispose();
    }

    [Fact]
    public void Legend_has_one_swatch_per_class_in_palette_order()
    {
        using var legend = Legend.Draw(["road", "car", "sky"], fontSize: 10);
        var found = Enumerable.Range(0, 3).Select(k => Enumerable.Range(0, legend.Height).First(y => legend.GetPixel(7, y) == Palette.Color(k))).ToList();
        Assert.True(found[0] < found[1] && found[1] < found[2], string.Join(",", found));
        Assert.True(HasDarkPixel(legend, 20, 0, legend.Width - 20, legend.Height), "no class names");
    }

    [Fact]
    public void Picture_files_are_written_atomically_in_the_format_of_their_extension()
    {
        using var folder = new TempFolder();
        using var bitmap = TensorBitmap.Blank(12, 8, new SKColor(10, 200, 30));
        ImageFile.Write(folder.PathOf("a.png"), bitmap);
        ImageFile.Write(folder.PathOf("b.jpg"), bitmap);
        using (var png = SKBitmap.Decode(folder.PathOf("a.png"))) Assert.Equal(new SKColor(10, 200, 30), png.GetPixel(5, 5));
        using (var codec = SKCodec.Create(folder.PathOf("b.jpg"))) Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
        Assert.Equal(["a.png", "b.jpg"], Directory.GetFiles(folder.Root).Select(Path.GetFileName).Order());
        var error = Assert.Throws<ArgumentException>(() => ImageFile.Write(folder.PathOf("c.gif"), bitmap));
        Assert.Contains("'.gif'", error.Message);
    }

    [Fact]
    public void Missing_font_file_says_how_to_install_it()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Fonts.Load("/nonexistent/DejaVuSans.ttf"));
        Assert.Contains("fonts-dejavu-core", error.Message);
        Assert.Contains(Fonts.EnvironmentVariable, error.Message);
    }

    static bool HasDarkPixel(SKBitmap bitmap, int left, int top, int width, int height)
    {
        for (int y = top; y < top + height; y++)
            for (int x = left; x < left + width; x++)
            {
                var p = bitmap.GetPixel(x, y);
                if (p.Red < 100 && p.Green < 100 && p.Blue < 100) return true;
            }
        return false;
    }
}
