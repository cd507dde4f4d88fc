using System.Buffers.Binary;
using Osprey.Torch;

namespace Osprey.Data.Images;

/// <summary>
/// The EXIF orientation tag (0x0112) of a JPEG, read from its APP1 segment, and the flip/rotation that displays the
/// image upright (as PIL's ImageOps.exif_transpose). Malformed EXIF data counts as "no orientation" (1), as viewers do.
/// </summary>
public static class ExifOrientation
{
    const ushort OrientationTag = 0x0112;

    /// <summary>1..8 (1 = upright) from the JPEG's EXIF block, or 1 when there is none.</summary>
    public static int Read(ReadOnlySpan<byte> jpeg)
    {
        int pos = 2; // after SOI
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            byte marker = jpeg[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker == 0xDA || marker == 0xD9) break; // start of scan / end of image: no metadata follows
            int length = (jpeg[pos + 2] << 8) | jpeg[pos + 3];
            if (length < 2 || pos + 2 + length > jpeg.Length) break;
            var segment = jpeg.Slice(pos + 4, length - 2);
            if (marker == 0xE1 && segment.StartsWith("Exif\0\0"u8)) return FromTiff(segment[6..]);
            pos += 2 + length;
        }
        return 1;
    }

    static int FromTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return 1;
        bool little = tiff[0] == 'I' && tiff[1] == 'I';
        if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
        if (U16(tiff, 2, little) != 42) return 1;
        uint ifd = U32(tiff, 4, little);
        if (ifd > tiff.Length - 2) return 1;
        int entries = U16(tiff, (int)ifd, little);
        for (int i = 0; i < entries; i++)
        {
            int at = (int)ifd + 2 + 12 * i;
            if (at + 12 > tiff.Length) return 1;
            if (U16(tiff, at, little) != OrientationTag) continue;
            const ushort Short = 3;
            if (U16(tiff, at + 2, little) != Short) return 1;
            int value = U16(tiff, at + 8, little);
            return value is >= 1 and <= 8 ? value : 1;
        }
        return 1;
    }

    static ushort U16(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s[at..]) : BinaryPrimitives.ReadUInt16BigEndian(s[at..]);

    static uint U32(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s[at..]) : BinaryPrimitives.ReadUInt32BigEndian(s[at..]);

    /// <summary>The upright version of a CHW image stored with EXIF <paramref name="orientation"/> (a new tensor;
    /// the input is returned as is for orientation 1).</summary>
    public static Tensor Apply(Tensor chw, int orientation)
    {
        using var scope = TensorScope.Begin();
        const long H = 1, W = 2;
        Tensor upright = orientation switch
        {
            1 => chw,
            2 => chw.Flip(W),
            3 => chw.Flip(H, W),
            4 => chw.Flip(H),
            5 => chw.Transpose(H, W).Contiguous(),
            6 => chw.Transpose(H, W).Flip(W), // rotate 90 degrees clockwise
            7 => chw.Transpose(H, W).Flip(H, W),
            8 => chw.Transpose(H, W).Flip(H), // rotate 90 degrees counter-clockwise
            _ => throw new ArgumentOutOfRangeException(nameof(orientation), orientation, "EXIF orientation is 1..8"),
        };
        return orientation == 1 ? chw : scope.Keep(upright);
    }
}
