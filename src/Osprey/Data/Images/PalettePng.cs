using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Osprey.Data.Images;

/// <summary>
/// Writes 8-bit palette PNGs (colour type 3) of index images: the layout of PASCAL VOC's SegmentationClass masks,
/// where the file's indices are the class ids and the palette only colours them for viewing. libosprey_codecs writes
/// gray/RGB(A) only, and a palette file is a few chunks around one zlib stream, so it is written here (read it back
/// with <see cref="ImageReadMode.Indices"/>).
/// </summary>
public static class PalettePng
{
    /// <summary>The PASCAL VOC colour map (index bits spread over the high bits of R, G, B), 256 entries.</summary>
    public static byte[] VocPalette()
    {
        var palette = new byte[256 * 3];
        for (int i = 0; i < 256; i++)
        {
            int r = 0, g = 0, b = 0, c = i;
            for (int bit = 7; bit >= 0; bit--)
            {
                r |= (c & 1) << bit;
                g |= ((c >> 1) & 1) << bit;
                b |= ((c >> 2) & 1) << bit;
                c >>= 3;
            }
            palette[3 * i] = (byte)r;
            palette[3 * i + 1] = (byte)g;
            palette[3 * i + 2] = (byte)b;
        }
        return palette;
    }

    /// <summary>PNG bytes of a row-major width x height index image with a palette of up to 256 RGB entries.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> indices, int width, int height, ReadOnlySpan<byte> palette)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"palette PNG of {width}x{height}: sizes must be positive");
        if (indices.Length != (long)width * height) throw new ArgumentException($"{indices.Length} indices for a {width}x{height} image");
        if (palette.Length == 0 || palette.Length % 3 != 0 || palette.Length > 768)
            throw new ArgumentException($"a palette is 1..256 RGB triples, got {palette.Length} bytes", nameof(palette));
        int entries = palette.Length / 3;
        foreach (var index in indices)
            if (index >= entries) throw new ArgumentException($"index {index} is beyond the {entries}-colour palette", nameof(indices));

        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 3; // colour type: palette
        Chunk(output, "IHDR", header);
        Chunk(output, "PLTE", palette);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    zlib.WriteByte(0); // filter: none
                    zlib.Write(indices.Slice(y * width, width));
                }
            }
            Chunk(output, "IDAT", compressed.ToArray());
        }
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    static void Chunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(length, crc);
        output.Write(length);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320).</summary>
    static class Crc32
    {
        static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }
}
