using Osprey.Data.Images;

namespace Osprey.Tests.Data.Images;

public class PalettePngTests
{
    [Fact]
    public void MasksRoundTripThroughLibpngAsIndicesAndColours()
    {
        using var scope = TensorScope.Begin();
        var mask = Tensor.From(new byte[] { 0, 1, 2, 255, 2, 1, 0, 0, 1, 1, 2, 255 }, 3, 4);
        Rgb[] palette = [new(0, 0, 0), new(128, 0, 0), new(0, 128, 0)];
        var png = PalettePng.Encode(mask, palette);
        TestImages.Equal(mask.Unsqueeze(0), ImageCodec.Decode(png, ImageReadMode.Indices), "ids read back");
        var rgb = ImageCodec.Decode(png, ImageReadMode.Rgb);
        Assert.Equal(new byte[] { 128, 0, 0 }, rgb.Index(TensorIndex.All, 0, 1).ToArray<byte>());
        Assert.Equal(new byte[] { 224, 224, 192 }, rgb.Index(TensorIndex.All, 0, 3).ToArray<byte>()); // ignore: VOC's border colour
        Assert.Contains("0..255", Assert.Throws<ArgumentException>(() => PalettePng.Encode(Tensor.From(new long[] { 300 }, 1, 1), palette)).Message);
    }

    [Fact]
    public void AVocMaskReEncodedKeepsEveryId()
    {
        using var scope = TensorScope.Begin();
        var path = "/usr/share/doc/labelme-examples/examples/semantic_segmentation/data_dataset_voc/SegmentationClassPNG/2011_000006.png";
        var ids = ImageCodec.Read(path, ImageReadMode.Indices)[0];
        var again = ImageCodec.Decode(PalettePng.Encode(ids, Rgb.VocColormap(21)), ImageReadMode.Indices)[0];
        TestImages.Equal(ids, again, "2011_000006 ids");
        // The VOC colour map reproduces the file's own palette colours.
        TestImages.Equal(ImageCodec.Read(path, ImageReadMode.Rgb), ImageCodec.Decode(PalettePng.Encode(ids, Rgb.VocColormap(21)), ImageReadMode.Rgb), "colours");
    }
}
