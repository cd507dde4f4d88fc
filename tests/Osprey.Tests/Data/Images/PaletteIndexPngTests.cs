using Osprey.Data.Images;

namespace Osprey.Tests.Data.Images;

public class PaletteIndexPngTests
{
    [Fact]
    public void IndicesReadBackThroughLibpngAndColoursAreVocs()
    {
        var indices = new byte[7 * 5];
        for (int i = 0; i < indices.Length; i++) indices[i] = (byte)(i % 21);
        var palette = PalettePng.VocPalette();
        Assert.Equal(new byte[] { 128, 0, 0 }, palette[3..6]);     // VOC class 1 (aeroplane)
        Assert.Equal(new byte[] { 0, 128, 0 }, palette[6..9]);     // class 2
        Assert.Equal(new byte[] { 224, 224, 192 }, palette[765..]); // 255, the "ignore" border colour
        var png = PalettePng.Encode(indices, 7, 5, palette[..(21 * 3)]);
        using var scope = TensorScope.Begin();
        var read = ImageCodec.Decode(png, ImageReadMode.Indices);
        Assert.Equal([1L, 5, 7], read.Shape);
        Assert.Equal(indices, read.ToArray<byte>());
        var rgb = ImageCodec.Decode(png, ImageReadMode.Rgb).ToArray<byte>(); // CHW
        Assert.Equal(new byte[] { 128, 0, 0 }, new[] { rgb[1], rgb[35 + 1], rgb[70 + 1] }); // pixel 1 has index 1
        Assert.Throws<ArgumentException>(() => PalettePng.Encode(indices, 7, 5, palette[..(20 * 3)])); // index 20 has no colour
    }
}
