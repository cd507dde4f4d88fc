namespace Osprey.Data.Images;

public enum ImageFormat { Unknown, Png, Jpeg }

public static class ImageFormats
{
    static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The format by the file's first bytes (never by its name).</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(PngSignature)) return ImageFormat.Png;
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
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
