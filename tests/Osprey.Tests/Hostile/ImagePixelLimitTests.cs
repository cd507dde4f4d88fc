using Osprey.Data.Images;
using Osprey.Tests.Data;

namespace Osprey.Tests.Hostile;

[CollectionDefinition(nameof(ImagePixelLimitTests), DisableParallelization = true)]
public sealed class ImagePixelLimitCollection;

/// <summary>
/// ImageCodec.MaxImagePixels is process-wide (as PIL's Image.MAX_IMAGE_PIXELS), so these run alone. The limit is
/// width x height from the header, inclusive, and the refusal states it.
/// </summary>
[Collection(nameof(ImagePixelLimitTests))]
public class ImagePixelLimitTests
{
    [Theory]
    [InlineData("rgb.png", "PNG")]
    [InlineData("rgb.jpg", "JPEG")]
    [InlineData("formats/rgb.tif", "TIFF")]
    [InlineData("formats/lossless.webp", "WEBP")]
    [InlineData("formats/rgb24.bmp", "BMP")]
    [InlineData("formats/ycck.jpg", "JPEG")]
    public void LimitIsConfigurableAndInclusive(string fixture, string codec)
    {
        var bytes = File.ReadAllBytes(TestImages.PathOf(fixture));
        long pixels;
        using (var scope = TensorScope.Begin())
        {
            var image = ImageCodec.Decode(bytes);
            pixels = image.Size(1) * image.Size(2);
        }
        var saved = ImageCodec.MaxImagePixels;
        try
        {
            ImageCodec.MaxImagePixels = pixels;
            using (var scope = TensorScope.Begin()) Assert.Equal(pixels, ImageCodec.Decode(bytes).Size(1) * ImageCodec.Decode(bytes).Size(2));
            ImageCodec.MaxImagePixels = pixels - 1;
            var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(bytes, source: fixture));
            Assert.Equal(codec, e.Codec);
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"over the limit of {pixels - 1:N0}"), e.Message);
            Assert.Contains(fixture, e.Message);
        }
        finally
        {
            ImageCodec.MaxImagePixels = saved;
        }
        Assert.Equal(ImageCodec.DefaultMaxImagePixels, ImageCodec.MaxImagePixels);
    }

    [Fact]
    public void DefaultIsPilsMaxImagePixels() => Assert.Equal(89_478_485, ImageCodec.DefaultMaxImagePixels);
}
