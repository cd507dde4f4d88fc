using Osprey.Visuals;
using SkiaSharp;

namespace Osprey.Tests.Visuals;

public class AttentionPictureTests
{
    [Fact]
    public void MapIsBlendedInViridisOverItsCellsBesideTheBoxedImage()
    {
        using var image = TensorBitmap.Blank(40, 30, new SKColor(100, 100, 100));
        // A 2x3 grid of 16-pixel cells over a 40x30 image: the last column and row are cut by the image's edge.
        var map = new AttentionMap([0.1f, 0.2f, 0.3f, 0.0f, 0.4f, 0.0f], 2, 3, 16, 16);
        using var picture = AttentionPicture.Draw(image, map, new SKRect(5, 6, 20, 25), 0, null, lineWidth: 2);
        Assert.Equal((80, 30), (picture.Width, picture.Height));

        var viridis = new ScottPlot.Colormaps.Viridis();
        byte Blend(byte target) => (byte)Math.Round(100 + 0.7 * (target - 100), MidpointRounding.AwayFromZero);
        void Cell(int x, int y, double fraction)
        {
            var c = viridis.GetColor(fraction);
            Assert.Equal(new SKColor(Blend(c.R), Blend(c.G), Blend(c.B)), picture.GetPixel(x, y));
        }
        Cell(20, 20, 1.0);     // row 1, column 1: the maximum (0.4)
        Cell(0, 0, 0.25);      // row 0, column 0: 0.1 of 0..0.4
        Cell(39, 0, 0.75);     // row 0, column 2 (cut at the edge)
        Cell(39, 29, 0.0);     // row 1, column 2: the minimum
        Cell(15, 15, 0.25);    // the last pixel of the first cell
        Cell(16, 16, 1.0);     // the first pixel of the next row and column

        var boxColour = Palette.Color(0);
        Assert.Equal(boxColour, picture.GetPixel(40 + 5, 10));          // the box's left border on the right panel
        Assert.Equal(boxColour, picture.GetPixel(40 + 12, 24));         // its bottom border (2 px, drawn inward)
        Assert.Equal(new SKColor(100, 100, 100), picture.GetPixel(40 + 12, 15));  // inside: the image
        Assert.Equal(new SKColor(100, 100, 100), picture.GetPixel(40 + 30, 5));   // outside: the image, no heat
    }

    [Fact]
    public void AMapOfTheWrongSizeIsRefused()
    {
        using var image = TensorBitmap.Blank(8, 8, SKColors.Black);
        var e = Assert.Throws<ArgumentException>(() => AttentionPicture.Draw(image, new AttentionMap(new float[5], 2, 3, 4, 4), new SKRect(0, 0, 4, 4), 0, null));
        Assert.Contains("5 weights for a 2x3 grid", e.Message);
    }
}
