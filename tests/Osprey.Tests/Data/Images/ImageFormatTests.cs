using Osprey.Data.Images;

namespace Osprey.Tests.Data.Images;

/// <summary>BMP, TIFF, WebP and CMYK/YCCK JPEG against PIL's decode (tools/reference/write_image_formats.py).</summary>
public class ImageFormatTests
{
    static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "images", "formats", name);

    static void Decodes(string file, ImageReadMode mode, string expectedKey, int tolerance = 0)
    {
        using var scope = TensorScope.Begin();
        var expected = Fixture.Load("image_formats")[expectedKey];
        var image = ImageCodec.Read(PathOf(file), mode);
        if (tolerance == 0)
        {
            TestImages.Equal(expected, image, $"{file} read as {mode}");
            return;
        }
        Assert.Equal(expected.Shape, image.Shape);
        Assert.Equal(expected.DType, image.DType);
        Expect.Close(expected.To(DType.Int32), image.To(DType.Int32), rtol: 0, atol: tolerance, $"{file} read as {mode}");
    }

    // Lossless formats: the samples PIL reads, exactly.
    [Theory]
    [InlineData("rgb24.bmp", ImageReadMode.Unchanged, "bmp_rgb24")]
    [InlineData("gray8.bmp", ImageReadMode.Gray, "bmp_gray8")]
    [InlineData("gray8.bmp", ImageReadMode.Rgb, "bmp_gray8_rgb")]
    [InlineData("palette8.bmp", ImageReadMode.Unchanged, "bmp_palette8_rgb")]
    [InlineData("bw1.bmp", ImageReadMode.Rgb, "bmp_bw1_rgb")]
    [InlineData("rgba32.bmp", ImageReadMode.Rgb, "bmp_rgba32_rgb")]
    [InlineData("rgb.tif", ImageReadMode.Unchanged, "tiff_rgb")]
    [InlineData("rgb_lzw.tif", ImageReadMode.Unchanged, "tiff_rgb_lzw")]
    [InlineData("gray_deflate.tif", ImageReadMode.Unchanged, "tiff_gray_deflate")]
    [InlineData("gray_deflate.tif", ImageReadMode.Rgb, "tiff_gray_deflate_rgb")]
    [InlineData("rgba.tif", ImageReadMode.Unchanged, "tiff_rgba")]
    [InlineData("rgba.tif", ImageReadMode.Rgb, "tiff_rgba_rgb")]
    [InlineData("palette.tif", ImageReadMode.Unchanged, "tiff_palette_rgb")] // through libtiff's RGBA interface
    [InlineData("cmyk.tif", ImageReadMode.Unchanged, "tiff_cmyk_rgb")] // PIL's CMYK -> RGB
    [InlineData("gray16.tif", ImageReadMode.Unchanged, "tiff_gray16")] // int32 holding 0..65535, as 16-bit PNGs
    [InlineData("lossless.webp", ImageReadMode.Unchanged, "webp_lossless")]
    [InlineData("lossless_alpha.webp", ImageReadMode.Unchanged, "webp_lossless_alpha")]
    [InlineData("lossless_alpha.webp", ImageReadMode.Rgb, "webp_lossless_alpha_rgb")]
    public void LosslessFormatsDecodeExactlyAsPil(string file, ImageReadMode mode, string expectedKey) => Decodes(file, mode, expectedKey);

    // Lossy formats: PIL decodes them with the same Debian libraries (libwebp7, libjpeg-turbo) and default settings,
    // as Osprey; another build of those libraries may round a YUV -> RGB step differently, so 2 levels (of 255) are
    // allowed.
    [Theory]
    [InlineData("lossy.webp", ImageReadMode.Unchanged, "webp_lossy")]
    [InlineData("lossy_alpha.webp", ImageReadMode.Unchanged, "webp_lossy_alpha")]
    [InlineData("rgb_jpeg.tif", ImageReadMode.Rgb, "tiff_rgb_jpeg_rgb")]
    [InlineData("cmyk.jpg", ImageReadMode.Unchanged, "jpeg_cmyk_rgb")]
    [InlineData("ycck.jpg", ImageReadMode.Unchanged, "jpeg_ycck_rgb")]
    public void LossyFormatsDecodeAsPilWithinTwoLevels(string file, ImageReadMode mode, string expectedKey) =>
        Decodes(file, mode, expectedKey, tolerance: 2);

    [Fact]
    public void CmykJpegReadAsGrayIsTheLumaOfItsRgb()
    {
        using var scope = TensorScope.Begin();
        var rgb = ImageCodec.Read(PathOf("cmyk.jpg"), ImageReadMode.Rgb).To(DType.Int64);
        var gray = ImageCodec.Read(PathOf("cmyk.jpg"), ImageReadMode.Gray);
        // PIL's integer ITU-R 601-2 luma: (r*19595 + g*38470 + b*7471 + 0x8000) >> 16.
        var luma = ((rgb[0] * 19595 + rgb[1] * 38470 + rgb[2] * 7471 + 0x8000) / 65536).Floor().To(DType.UInt8).Unsqueeze(0);
        TestImages.Equal(luma, gray, "cmyk.jpg as gray");
    }

    [Theory]
    [InlineData("rgb24.bmp", ImageFormat.Bmp)]
    [InlineData("rgb.tif", ImageFormat.Tiff)]
    [InlineData("lossy.webp", ImageFormat.WebP)]
    [InlineData("cmyk.jpg", ImageFormat.Jpeg)]
    public void FormatIsFoundByItsBytes(string file, ImageFormat format) =>
        Assert.Equal(format, ImageFormats.Detect(File.ReadAllBytes(PathOf(file))));

    [Theory]
    [InlineData("rgb.tif", "TIFF")]
    [InlineData("lossless.webp", "WEBP")]
    [InlineData("rgb24.bmp", "BMP")]
    public void TruncatedFilesFailNamingTheCodec(string file, string codec)
    {
        var bytes = File.ReadAllBytes(PathOf(file));
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(bytes.AsSpan(0, bytes.Length / 2), source: "half of " + file));
        Assert.Equal(codec, e.Codec);
        Assert.Contains("half of " + file, e.Message);
    }

    [Fact]
    public void NewExtensionsAreFoundInFolders()
    {
        var found = ImageFiles.Find(Path.Combine(AppContext.BaseDirectory, "fixtures", "images", "formats"));
        Assert.Equal(19, found.Count);
        Assert.Contains(found, f => f.EndsWith("ycck.jpg", StringComparison.Ordinal));
        Assert.Contains(found, f => f.EndsWith("lossy.webp", StringComparison.Ordinal));
    }
}
