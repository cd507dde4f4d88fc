using Osprey.Visuals;
using SkiaSharp;

namespace Osprey.Tests.Visuals;

public class AnnotatorTests
{
    static readonly SKColor Background = new(40, 80, 120);

    [Fact]
    public void Box_has_its_class_colour_on_the_edges_and_leaves_the_inside_untouched()
    {
        using var bitmap = TensorBitmap.Blank(100, 80, Background);
        using (var annotator = new Annotator(bitmap, lineWidth: 2))
            annotator.Box(20, 10, 70, 60, classIndex: 6);
        var colour = Palette.Color(6);
        for (int x = 20; x < 70; x++)
        {
            Assert.Equal(colour, bitmap.GetPixel(x, 10));
            Assert.Equal(colour, bitmap.GetPixel(x, 11));
            Assert.Equal(colour, bitmap.GetPixel(x, 59));
        }
        for (int y = 10; y < 60; y++)
        {
            Assert.Equal(colour, bitmap.GetPixel(20, y));
            Assert.Equal(colour, bitmap.GetPixel(69, y));
        }
        // Inside, one pixel beyond the 2-pixel line, and outside: the background.
        for (int y = 13; y < 57; y++)
            for (int x = 23; x < 67; x++)
                Assert.Equal(Background, bitmap.GetPixel(x, y));
        Assert.Equal(Background, bitmap.GetPixel(19, 30));
        Assert.Equal(Background, bitmap.GetPixel(70, 30));
        Assert.Equal(Background, bitmap.GetPixel(40, 9));
        Assert.Equal(Background, bitmap.GetPixel(40, 60));
    }

    [Fact]
    public void Label_renders_text_pixels_on_a_filled_tag_above_the_box()
    {
        using var bitmap = TensorBitmap.Blank(200, 120, Background);
        SKRect tag;
        using (var annotator = new Annotator(bitmap, lineWidth: 2, fontSize: 14))
            tag = annotator.Box(30, 50, 150, 110, classIndex: 0, Annotator.Label("person", 0.873));
        Assert.Equal("person 0.87", Annotator.Label("person", 0.873));
        Assert.True(tag.Bottom <= 50 && tag.Top >= 0 && tag.Width > 40, $"tag {tag}");
        var fill = Palette.Color(0);
        var textColour = Palette.TextOn(fill);
        int fillPixels = 0, textPixels = 0;
        for (int y = (int)tag.Top; y < (int)tag.Bottom; y++)
            for (int x = (int)tag.Left; x < (int)tag.Right; x++)
            {
                var p = bitmap.GetPixel(x, y);
                if (p == fill) fillPixels++;
                else if (Near(p, textColour)) textPixels++;
            }
        Assert.True(textPixels >= 30, $"{textPixels} text pixels in the tag");
        Assert.True(fillPixels > textPixels, $"{fillPixels} fill pixels, {textPixels} text pixels");
        // Nothing of the label leaks above the tag.
        for (int x = 0; x < 200; x++)
            for (int y = 0; y < (int)tag.Top; y++)
                Assert.Equal(Background, bitmap.GetPixel(x, y));
    }

    [Fact]
    public void Label_goes_inside_a_box_touching_the_top_edge()
    {
        using var bitmap = TensorBitmap.Blank(120, 80, Background);
        using var annotator = new Annotator(bitmap, lineWidth: 2, fontSize: 12);
        var tag = annotator.Box(10, 0, 100, 70, 1, "cat");
        Assert.Equal(0, tag.Top);
        Assert.Equal(10, tag.Left);
    }

    [Fact]
    public void Degenerate_box_is_refused()
    {
        using var bitmap = TensorBitmap.Blank(20, 20, Background);
        using var annotator = new Annotator(bitmap);
        var error = Assert.Throws<ArgumentException>(() => annotator.Box(10, 5, 10, 15, 0));
        Assert.Contains("x1 < x2", error.Message);
    }

    static bool Near(SKColor a, SKColor b) =>
        Math.Abs(a.Red - b.Red) < 60 && Math.Abs(a.Green - b.Green) < 60 && Math.Abs(a.Blue - b.Blue) < 60;
}
