using System.Buffers.Binary;
using System.IO.Compression;
using Osprey.Torch;
using Osprey.Torch.Serialization;

namespace Osprey.Data.Images;

/// <summary>
/// Writes class-id masks as 8-bit palette PNGs, the format PASCAL VOC ships its masks in: each pixel's byte is its
/// class id, the palette gives the colour, so image viewers show colours and <see cref="ImageReadMode.Indices"/>
/// reads the ids back. Palette entries beyond the classes are black, except 255 (ignore), which gets VOC's
/// border colour (224, 224, 192) unless a class uses it.
/// </summary>
public static class PalettePng
{
    static readonly byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <param name="mask">(H, W) integer class ids 0..255.</param>
    /// <param name="palette">RGB per class id (up to 256 entries).</param>
    public static byte[] Encode(Tensor mask, IReadOnlyList<Rgb> palette)
    {
        if (mask.Dim != 2 || mask.DType.IsFloatingPoint())
            throw new ArgumentException($"palette PNG: the mask must be (H, W) integer class ids, got {mask.Describe()}");
        if (palette.Count is 0 or > 256) throw new ArgumentException($"palette PNG: {palette.Count} colours; a palette holds 1..256");
        byte[] ids;
        using (var scope = TensorScope.Begin())
        {
            var values = mask.Long();
            if (values.NumEl > 0 && (values.Min().Item<long>() < 0 || values.Max().Item<long>() > 255))
                throw new ArgumentException($"palette PNG: class ids must be 0..255, found {values.Min().Item<long>()}..{values.Max().Item<long>()}");
            ids = values.To(DType.UInt8).Contiguous().ToBytes();
        }
        int height = (int)mask.Size(0), width = (int)mask.Size(1);
        if (height == 0 || width == 0) throw new ArgumentException("palette PNG: the mask is empty");

        var plte = new byte[256 * 3];
        for (int i = 0; i < palette.Count; i++) (plte[3 * i], plte[3 * i + 1], plte[3 * i + 2]) = (palette[i].R, palette[i].G, palette[i].B);
        if (palette.Count <= 255) (plte[765], plte[766], plte[767]) = ((byte)224, (byte)224, (byte)192);

        var raw = new byte[(long)height * (width + 1)];
        for (int y = 0; y < height; y++) Array.Copy(ids, (long)y * width, raw, (long)y * (width + 1) + 1, width); // filter byte 0 (None)
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bit depth
        header[9] = 3;   // colour type: palette
        using var png = new MemoryStream();
        png.Write(signature);
        Chunk(png, "IHDR", header);
        Chunk(png, "PLTE", plte);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Writes the palette PNG atomically (temp file + rename).</summary>
    public static void Write(string path, Tensor mask, IReadOnlyList<Rgb> palette)
    {
        var bytes = Encode(mask, palette);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeAndData = new byte[4 + data.Length];
        for (int i = 0; i < 4; i++) typeAndData[i] = (byte)type[i];
        data.CopyTo(typeAndData, 4);
        output.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        output.Write(word);
    }

    static readonly uint[] crcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The PNG specification's CRC-32 (ISO 3309) over chunk type and data.</summary>
    static uint Crc32(byte[] bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in bytes) c = crcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
