using Osprey.Data;
using Osprey.Data.Images;

namespace Osprey.Tests.Data.Images;

/// <summary>Region decoding (a JPEG's region alone, anything else whole then cropped) gives exactly the whole decode's
/// pixels in the region.</summary>
public class ImageCodecRegionTests
{
    const string LabelmeExamples = "/usr/share/doc/labelme-examples/examples";

    /// <summary>Real photos (VOC JPEGs of labelme-examples, 4:2:0 with fancy upsampling: the case where a region's edge
    /// rows and columns depend on chroma outside it) plus the fixtures' gray, EXIF-rotated, CMYK and PNG files.</summary>
    static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(LabelmeExamples, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(12)
            .Concat(new[] { "rgb.jpg", "gray.jpg", "exif6.jpg", "formats/cmyk.jpg", "formats/ycck.jpg", "rgb.png" }.Select(TestImages.PathOf));

    static IEnumerable<PixelRegion> Regions(long h, long w, Random random)
    {
        yield return new PixelRegion(0, 0, h, w);
        yield return new PixelRegion(0, 0, 1, 1);
        yield return new PixelRegion(h - 1, w - 1, 1, 1);
        yield return new PixelRegion(h / 3, w / 5, h - h / 3, w / 2);
        // Edges on 16-pixel (4:2:0 iMCU) boundaries, where libjpeg's cropped decoding would replicate the edge chroma.
        if (h > 48 && w > 48) yield return new PixelRegion(16, 32, 16 * ((h - 16) / 16) - 16, 16 * ((w - 32) / 16) - 16);
        for (int i = 0; i < 8; i++)
        {
            long rh = random.NextInt64(1, h + 1), rw = random.NextInt64(1, w + 1);
            yield return new PixelRegion(random.NextInt64(0, h - rh + 1), random.NextInt64(0, w - rw + 1), rh, rw);
        }
    }

    [Theory]
    [InlineData(ImageReadMode.Rgb)]
    [InlineData(ImageReadMode.Gray)]
    public void RegionEqualsTheWholeDecodeCropped(ImageReadMode mode)
    {
        var random = new Random(7);
        int files = 0, regions = 0;
        foreach (var file in Files())
        {
            using var scope = TensorScope.Begin();
            var whole = ImageCodec.Read(file, mode);
            foreach (var r in Regions(whole.Size(1), whole.Size(2), random))
            {
                using var inner = TensorScope.Begin();
                var part = ImageCodec.ReadRegion(file, mode, (h, w) =>
                {
                    Assert.Equal((whole.Size(1), whole.Size(2)), (h, w));
                    return r;
                }, out var size);
                Assert.Equal((whole.Size(1), whole.Size(2)), size);
                TestImages.Equal(whole.Narrow(1, r.Top, r.Height).Narrow(2, r.Left, r.Width), part, $"{file} region {r} as {mode}");
                regions++;
            }
            files++;
        }
        Assert.Equal(18, files);
        Assert.True(regions >= 18 * 12, $"{regions} regions compared");
    }

    [Fact]
    public void ARegionOutsideTheImageIsRefused()
    {
        var file = TestImages.PathOf("rgb.jpg");
        using var scope = TensorScope.Begin();
        var (h, w) = (ImageCodec.Read(file).Size(1), ImageCodec.Read(file).Size(2));
        var e = Assert.Throws<ArgumentException>(() => ImageCodec.ReadRegion(file, ImageReadMode.Rgb, (_, _) => new PixelRegion(1, 0, h, w), out _));
        Assert.Contains($"region top 1, left 0, {h} x {w} is not inside the {h} x {w} image", e.Message);
    }

    [Fact]
    public void ATruncatedJpegFailsWhateverRegionIsAsked()
    {
        // The rows at the top of a truncated file are intact; it still fails, as the whole decode does, so a bad file
        // is found in the first epoch rather than in whichever epoch first crops its bottom.
        var file = TestImages.PathOf("truncated.jpg");
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.ReadRegion(file, ImageReadMode.Rgb, (_, _) => new PixelRegion(0, 0, 1, 1), out _));
        Assert.Contains(file, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("jpeg_30000x30000.jpg", "over the limit")]
    [InlineData("jpeg_tables_only.jpg", "JPEG")]
    public void HostileJpegsAreRefusedNamingTheFile(string file, string expected)
    {
        var path = Path.Combine(Hostile.HostileCorpus.Bounded, file);
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.ReadRegion(path, ImageReadMode.Rgb, (h, w) => new PixelRegion(0, 0, h, w), out _));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
