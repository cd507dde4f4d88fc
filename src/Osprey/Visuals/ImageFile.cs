using Osprey.Torch.Serialization;
using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>Writes pictures atomically (a temporary file renamed over the target), so a reader never sees half a file.
/// The format follows the extension: .png, or .jpg / .jpeg.</summary>
public static class ImageFile
{
    public static void Write(string path, SKBitmap bitmap, int jpegQuality = 90)
    {
        using var image = SKImage.FromBitmap(bitmap);
        Write(path, image, jpegQuality);
    }

    public static void Write(string path, SKImage image, int jpegQuality = 90)
    {
        var format = FormatOf(path);
        using var data = image.Encode(format, format == SKEncodedImageFormat.Png ? 100 : jpegQuality)
                         ?? throw new InvalidOperationException($"{path}: Skia could not encode a {image.Width}x{image.Height} image as {format}");
        WriteBytes(path, data.AsSpan());
    }

    public static void WriteBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        AtomicFile.Write(path, stream => stream.Write(copy));
    }

    public static SKEncodedImageFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => SKEncodedImageFormat.Png,
        ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
        var other => throw new ArgumentException($"{path}: picture extension '{other}' is not .png, .jpg or .jpeg"),
    };
}
