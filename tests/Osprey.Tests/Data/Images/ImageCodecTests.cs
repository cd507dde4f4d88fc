using Osprey.Data.Images;

using Osprey.Tests.Data;

namespace Osprey.Tests.Data.Images;

public class ImageCodecTests
{
    static void Decodes(string file, ImageReadMode mode, string expectedKey)
    {
        using var scope = TensorScope.Begin();
        var expected = Fixture.Load("images")[expectedKey];
        var image = ImageCodec.Read(TestImages.PathOf(file), mode);
        TestImages.Equal(expected, image, $"{file} read as {mode}");
    }

    [Theory]
    [InlineData("gray.png", ImageReadMode.Unchanged, "gray")]
    [InlineData("gray_alpha.png", ImageReadMode.Unchanged, "gray_alpha")]
    [InlineData("gray_alpha.png", ImageReadMode.Rgb, "gray_alpha_as_rgb")]
    [InlineData("rgb.png", ImageReadMode.Unchanged, "rgb")]
    [InlineData("rgb.png", ImageReadMode.Gray, "rgb_as_gray")] // PIL's integer luma formula, exactly
    [InlineData("rgba.png", ImageReadMode.Unchanged, "rgba")]
    [InlineData("palette.png", ImageReadMode.Unchanged, "palette_rgb")]
    [InlineData("palette.png", ImageReadMode.Rgb, "palette_rgb")]
    [InlineData("palette.png", ImageReadMode.Indices, "palette_indices")]
    [InlineData("palette4.png", ImageReadMode.Indices, "palette4_indices")]
    [InlineData("palette_trns.png", ImageReadMode.Unchanged, "palette_trns_rgba")]
    [InlineData("gray1.png", ImageReadMode.Unchanged, "gray1")]
    [InlineData("gray1.png", ImageReadMode.Indices, "gray1_indices")]
    [InlineData("gray16.png", ImageReadMode.Unchanged, "gray16")]
    [InlineData("rgb16.png", ImageReadMode.Unchanged, "rgb16")]
    [InlineData("png_named.jpg", ImageReadMode.Unchanged, "rgb")] // a PNG under a .jpg name: found by its bytes
    public void PngDecodesExactlyAsPil(string file, ImageReadMode mode, string expectedKey) => Decodes(file, mode, expectedKey);

    // JPEG: PIL and torchvision.io.decode_jpeg are both libjpeg-turbo with the default (islow DCT, fancy upsampling)
    // settings, as is our TurboJPEG call; the reference script measured PIL vs torchvision max difference 0, so the
    // tolerance here is exact. A different libjpeg-turbo build could differ by 1-2 levels.
    [Theory]
    [InlineData("rgb.jpg", ImageReadMode.Unchanged, "rgb_jpg")]
    [InlineData("rgb.jpg", ImageReadMode.Gray, "rgb_jpg_as_gray")]
    [InlineData("gray.jpg", ImageReadMode.Unchanged, "gray_jpg")]
    [InlineData("exif2.jpg", ImageReadMode.Unchanged, "exif2")]
    [InlineData("exif3.jpg", ImageReadMode.Unchanged, "exif3")]
    [InlineData("exif4.jpg", ImageReadMode.Unchanged, "exif4")]
    [InlineData("exif5.jpg", ImageReadMode.Unchanged, "exif5")]
    [InlineData("exif6.jpg", ImageReadMode.Unchanged, "exif6")]
    [InlineData("exif7.jpg", ImageReadMode.Unchanged, "exif7")]
    [InlineData("exif8.jpg", ImageReadMode.Unchanged, "exif8")]
    public void JpegDecodesAsLibjpegTurboWithExifOrientation(string file, ImageReadMode mode, string expectedKey) =>
        Decodes(file, mode, expectedKey);

    [Theory]
    [InlineData("rgb.jpg", 1)]
    [InlineData("exif3.jpg", 3)]
    [InlineData("exif6.jpg", 6)]
    public void ExifOrientationTagIsRead(string file, int orientation) =>
        Assert.Equal(orientation, ExifOrientation.Read(File.ReadAllBytes(TestImages.PathOf(file))));

    [Fact]
    public void ExifRotationCanBeSkipped()
    {
        using var scope = TensorScope.Begin();
        var stored = ImageCodec.Read(TestImages.PathOf("exif6.jpg"), applyExifOrientation: false);
        var upright = ImageCodec.Read(TestImages.PathOf("exif6.jpg"));
        Assert.Equal([3L, 12, 20], stored.Shape);
        Assert.Equal([3L, 20, 12], upright.Shape); // rotated 90 degrees
        TestImages.Equal(Fixture.Load("images")["rgb_jpg"], stored, "exif6.jpg without orientation");
    }

    [Theory]
    [InlineData("truncated.jpg", "JPEG", "truncated")]
    [InlineData("truncated.png", "PNG", "truncated")]
    [InlineData("bad_crc.png", "PNG", "CRC")]
    [InlineData("not_an_image.png", "an image", "not a PNG, JPEG, TIFF, WebP or BMP file")]
    public void BrokenFilesFailNamingTheFileAndTheReason(string file, string codec, string reason)
    {
        var path = TestImages.PathOf(file);
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(reason, e.Message);
        Assert.Equal(codec, e.Codec);
        Assert.Equal(path, e.ImageSource);
    }

    [Fact]
    public void IndicesNeedASingleChannelImage()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Read(TestImages.PathOf("rgb.png"), ImageReadMode.Indices));
        Assert.Contains("indices need a palette or single-channel grayscale PNG; this one is RGB", e.Message);
        var jpeg = Assert.Throws<ImageDecodeException>(() => ImageCodec.Read(TestImages.PathOf("gray.jpg"), ImageReadMode.Indices));
        Assert.Contains("lossy", jpeg.Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var path = TestImages.PathOf("no_such_image.png");
        var e = Assert.Throws<FileNotFoundException>(() => ImageCodec.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("gray.png")]
    [InlineData("gray_alpha.png")]
    [InlineData("rgba.png")]
    [InlineData("gray16.png")]
    [InlineData("rgb16.png")]
    public void PngRoundTripsLosslessly(string file)
    {
        using var scope = TensorScope.Begin();
        var image = ImageCodec.Read(TestImages.PathOf(file));
        var again = ImageCodec.Decode(ImageCodec.EncodePng(image), source: $"re-encoded {file}");
        TestImages.Equal(image, again, $"{file} after PNG encode/decode");
    }

    [Fact]
    public void JpegEncodeIsCloseAndWriteChoosesTheFormatByExtension()
    {
        using var scope = TensorScope.Begin();
        var image = ImageCodec.Read(TestImages.PathOf("rgb.png"));
        var dir = Directory.CreateTempSubdirectory("osprey-codec-");
        try
        {
            var jpg = Path.Combine(dir.FullName, "out.jpg");
            ImageCodec.Write(jpg, image, jpegQuality: 95);
            Assert.Equal(ImageFormat.Jpeg, ImageFormats.Detect(File.ReadAllBytes(jpg)));
            var decoded = ImageCodec.Read(jpg);
            // Lossy with 4:2:0 chroma subsampling on a noisy 14x10 image: a mean error of a few levels.
            var meanError = (decoded.Float() - image.Float()).Abs().Mean().Item<float>();
            Assert.InRange(meanError, 0.01f, 8f);
            var png = Path.Combine(dir.FullName, "out.png");
            ImageCodec.Write(png, image);
            TestImages.Equal(image, ImageCodec.Read(png), "written PNG");
            Assert.Throws<ArgumentException>(() => ImageCodec.Write(Path.Combine(dir.FullName, "out.bmp"), image));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void DecodingLeaksNoTensors()
    {
        var before = Tensor.LiveCount;
        foreach (var file in new[] { "rgb.png", "palette.png", "rgb16.png", "exif6.jpg", "exif5.jpg" })
            ImageCodec.Read(TestImages.PathOf(file)).Dispose();
        Assert.Throws<ImageDecodeException>(() => ImageCodec.Read(TestImages.PathOf("truncated.png")));
        Assert.Equal(before, Tensor.LiveCount);
    }
}
