using Osprey.Torch;
using Osprey.Torch.Serialization;

namespace Osprey.Data.Images;

/// <summary>
/// Class-id masks as 8-bit palette PNGs (through libpng), the format PASCAL VOC ships its masks in: each pixel's byte
/// is its class id, the palette gives the colour, so image viewers show colours and <see cref="ImageReadMode.Indices"/>
/// reads the ids back.
/// </summary>
public static class PalettePng
{
    /// <summary>The PASCAL VOC colour map as RGB bytes, 256 entries.</summary>
    public static byte[] VocPalette() => Rgb.VocColormap(256).SelectMany(c => new[] { c.R, c.G, c.B }).ToArray();

    /// <summary>PNG bytes of a row-major width x height index image with a palette of up to 256 RGB entries; an index
    /// without a colour is an error.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> indices, int width, int height, ReadOnlySpan<byte> palette)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"palette PNG of {width}x{height}: sizes must be positive");
        return ImageCodec.EncodePalettePng(indices, width, height, palette);
    }

    /// <summary>
    /// PNG bytes of an (H, W) mask of integer class ids 0..255 coloured by <paramref name="palette"/> (one colour per
    /// class id). Entries beyond the classes are black, except 255 (ignore), which gets VOC's border colour
    /// (224, 224, 192) unless a class uses it.
    /// </summary>
    public static byte[] Encode(Tensor mask, IReadOnlyList<Rgb> palette)
    {
        if (mask.Dim != 2 || mask.DType.IsFloatingPoint())
            throw new ArgumentException($"palette PNG: the mask must be (H, W) integer class ids, got {mask.Describe()}");
        if (palette.Count is 0 or > 256) throw new ArgumentException($"palette PNG: {palette.Count} colours; a palette holds 1..256");
        int height = (int)mask.Size(0), width = (int)mask.Size(1);
        if (height == 0 || width == 0) throw new ArgumentException("palette PNG: the mask is empty");
        byte[] ids;
        using (var scope = TensorScope.Begin())
        {
            var values = mask.Long();
            long min = values.Min().Item<long>(), max = values.Max().Item<long>();
            if (min < 0 || max > 255) throw new ArgumentException($"palette PNG: class ids must be 0..255, found {min}..{max}");
            ids = values.To(DType.UInt8).Contiguous().ToBytes();
        }
        var plte = new byte[256 * 3];
        for (int i = 0; i < palette.Count; i++) (plte[3 * i], plte[3 * i + 1], plte[3 * i + 2]) = (palette[i].R, palette[i].G, palette[i].B);
        if (palette.Count <= 255) (plte[765], plte[766], plte[767]) = ((byte)224, (byte)224, (byte)192);
        return ImageCodec.EncodePalettePng(ids, width, height, plte);
    }

    /// <summary>Writes the palette PNG atomically (temp file + rename).</summary>
    public static void Write(string path, Tensor mask, IReadOnlyList<Rgb> palette)
    {
        var bytes = Encode(mask, palette);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
