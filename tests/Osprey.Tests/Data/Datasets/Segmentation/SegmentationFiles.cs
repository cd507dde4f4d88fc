using Osprey.Data.Images;

namespace Osprey.Tests.Data.Datasets.Segmentation;

/// <summary>Writes small image and mask files into a <see cref="TempFolder"/>.</summary>
static class SegmentationFiles
{
    /// <summary>The labelme-examples package's VOC export (scripts/setup.sh installs it): 3 photos with palette masks.</summary>
    public const string LabelmeVoc = "/usr/share/doc/labelme-examples/examples/semantic_segmentation/data_dataset_voc";

    /// <summary>A gray 8-bit PNG whose raw values are <paramref name="values"/> (row-major, height x width).</summary>
    public static string Mask(TempFolder folder, string relative, int height, int width, params byte[] values)
    {
        using var scope = TensorScope.Begin();
        var data = values.Length == height * width ? values : Enumerable.Range(0, height * width).Select(i => values[i % values.Length]).ToArray();
        return folder.Write(relative, ImageCodec.EncodePng(Tensor.From(data, 1, height, width)));
    }

    /// <summary>An RGB image of the given size, as PNG or JPEG by the extension.</summary>
    public static string Image(TempFolder folder, string relative, int height, int width)
    {
        using var scope = TensorScope.Begin();
        var pixels = Tensor.Arange(3L * height * width).Remainder(251).To(DType.UInt8).View(3, height, width);
        var bytes = relative.EndsWith(".png") ? ImageCodec.EncodePng(pixels) : ImageCodec.EncodeJpeg(pixels);
        return folder.Write(relative, bytes);
    }
}
