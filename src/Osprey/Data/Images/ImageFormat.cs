namespace Osprey.Data.Images;

public enum ImageFormat { Unknown, Png, Jpeg, Tiff, WebP, Bmp }

public static class ImageFormats
{
    static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The format by the file's first bytes (never by its name).</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(PngSignature)) return ImageFormat.Png;
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        // "II*\0" / "MM\0*" (classic TIFF) and "II+\0" / "MM\0+" (BigTIFF).
        if (data.Length >= 4 && ((data[0] == 'I' && data[1] == 'I' && data[3] == 0 && data[2] is (byte)'*' or (byte)'+') ||
                                 (data[0] == 'M' && data[1] == 'M' && data[2] == 0 && data[3] is (byte)'*' or (byte)'+')))
            return ImageFormat.Tiff;
        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8)) return ImageFormat.WebP;
        if (data.Length >= 14 && data[0] == 'B' && data[1] == 'M') return ImageFormat.Bmp;
        return ImageFormat.Unknown;
    }

    /// <summary>The format an output path asks for, by its extension (.png, .jpg, .jpeg).</summary>
    public static ImageFormat FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ImageFormat.Png,
        ".jpg" or ".jpeg" => ImageFormat.Jpeg,
        _ => ImageFormat.Unknown,
    };

    /// <summary>"89 50 4E 47 ..." for error messages about unrecognised data.</summary>
    internal static string Head(ReadOnlySpan<byte> data) =>
        data.Length == 0 ? "an empty file" : "bytes " + Convert.ToHexString(data[..Math.Min(8, data.Length)]);
}
