using Osprey.Visuals;
using SkiaSharp;

namespace Osprey.Tests.Visuals;

public class PaletteTests
{
    [Fact]
    public void Colours_are_ultralytics_values_in_order_and_wrap_after_twenty()
    {
        Assert.Equal(20, Palette.Count);
        Assert.Equal(new SKColor(0x04, 0x2A, 0xFF), Palette.Color(0));
        Assert.Equal(new SKColor(0xFF, 0x6F, 0xDD), Palette.Color(5));
        Assert.Equal(new SKColor(0xA2, 0xFF, 0x0B), Palette.Color(19));
        Assert.Equal(Palette.Color(3), Palette.Color(23));
        Assert.Throws<ArgumentOutOfRangeException>(() => Palette.Color(-1));
    }

    [Fact]
    public void Text_is_black_on_light_and_white_on_dark_colours()
    {
        Assert.Equal(SKColors.Black, Palette.TextOn(Palette.Color(2)));   // F3F3F3
        Assert.Equal(SKColors.White, Palette.TextOn(Palette.Color(4)));   // 111F68
    }

    [Fact]
    public void Skia_native_library_and_font_load()
    {
        using var font = Fonts.Create(12);
        Assert.Equal("DejaVu Sans", Fonts.Typeface.FamilyName);
        Assert.True(font.MeasureText("name 0.87") > 0);
    }
}
