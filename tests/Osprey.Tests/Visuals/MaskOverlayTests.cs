using Osprey.Visuals;
using SkiaSharp;

namespace Osprey.Tests.Visuals;

public class MaskOverlayTests
{
    [Fact]
    public void Fill_at_alpha_half_gives_the_exact_blend_inside_and_leaves_outside_alone()
    {
        using var bitmap = TensorBitmap.Blank(8, 6, new SKColor(100, 101, 0));
        var mask = new byte[8 * 6];
        for (int y = 1; y < 4; y++) for (int x = 2; x < 6; x++) mask[y * 8 + x] = 1;
        MaskOverlay.Fill(bitmap, mask, new SKColor(200, 255, 255), 0.5);
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 8; x++)
                Assert.Equal(mask[y * 8 + x] != 0 ? new SKColor(150, 178, 128) : new SKColor(100, 101, 0), bitmap.GetPixel(x, y));
        // 101 + 0.5 (255 - 101) = 178 exactly; 0 + 0.5 * 255 = 127.5 rounds away from zero to 128.
    }

    [Fact]
    public void Outline_marks_the_mask_boundary_not_its_interior()
    {
        using var bitmap = TensorBitmap.Blank(40, 40, SKColors.Black);
        var mask = new byte[40 * 40];
        for (int y = 10; y < 30; y++) for (int x = 10; x < 30; x++) mask[y * 40 + x] = 1;
        MaskOverlay.Outline(bitmap, mask, SKColors.Red, 2);
        Assert.Equal(SKColors.Red, bitmap.GetPixel(10, 20));
        Assert.Equal(SKColors.Red, bitmap.GetPixel(20, 29));
        Assert.Equal(SKColors.Black, bitmap.GetPixel(20, 20));
        Assert.Equal(SKColors.Black, bitmap.GetPixel(5, 5));
    }

    [Fact]
    public void Class_map_gets_palette_colours_and_ignored_pixels_stay()
    {
        using var bitmap = TensorBitmap.Blank(4, 1, SKColors.Black);
        MaskOverlay.Classes(bitmap, [0, 1, 255, -1], alpha: 1, outline: false);
        Assert.Equal(Palette.Color(0), bitmap.GetPixel(0, 0));
        Assert.Equal(Palette.Color(1), bitmap.GetPixel(1, 0));
        Assert.Equal(SKColors.Black, bitmap.GetPixel(2, 0));
        Assert.Equal(SKColors.Black, bitmap.GetPixel(3, 0));
    }

    [Fact]
    public void A_dataset_palette_colours_its_classes_and_ids_without_a_colour_stay()
    {
        // Grey 100 blended half with (0, 0, 0) and (200, 50, 102): 50 and (150, 75, 101); class 2 has no colour.
        using var bitmap = TensorBitmap.Blank(4, 1, new SKColor(100, 100, 100));
        MaskOverlay.Classes(bitmap, [0, 1, 2, 255], alpha: 0.5, outline: false, colours: [new SKColor(0, 0, 0), new SKColor(200, 50, 102)]);
        Assert.Equal(new SKColor(50, 50, 50), bitmap.GetPixel(0, 0));
        Assert.Equal(new SKColor(150, 75, 101), bitmap.GetPixel(1, 0));
        Assert.Equal(new SKColor(100, 100, 100), bitmap.GetPixel(2, 0));
        Assert.Equal(new SKColor(100, 100, 100), bitmap.GetPixel(3, 0));
    }

    [Fact]
    public void Mask_of_the_wrong_size_is_refused()
    {
        using var bitmap = TensorBitmap.Blank(4, 4, SKColors.Black);
        var error = Assert.Throws<ArgumentException>(() => MaskOverlay.Fill(bitmap, new byte[15], SKColors.Red, 0.5));
        Assert.Contains("4x4", error.Message);
    }
}
