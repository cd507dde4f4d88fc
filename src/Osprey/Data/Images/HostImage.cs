namespace Osprey.Data.Images;

/// <summary>
/// A decoded 8-bit image in managed memory, rows of interleaved samples (height, width, channels), for code that runs
/// without libtorch (an ONNX Runtime predictor). <see cref="ImageCodec.ReadHost"/> makes it with the same decoders
/// and EXIF orientation as <see cref="ImageCodec.Read"/>.
/// </summary>
public sealed record HostImage(int Height, int Width, int Channels, byte[] Pixels)
{
    public byte this[int y, int x, int c] => Pixels[(y * Width + x) * Channels + c];

    /// <summary>The image as JPEG's EXIF orientation (1-8) asks it to be shown, as <see cref="ExifOrientation.Apply"/>.</summary>
    public HostImage Oriented(int orientation)
    {
        if (orientation is < 2 or > 8) return this;
        bool swap = orientation >= 5;
        int h = swap ? Width : Height, w = swap ? Height : Width;
        var pixels = new byte[Pixels.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var (sy, sx) = orientation switch
                {
                    2 => (y, Width - 1 - x),
                    3 => (Height - 1 - y, Width - 1 - x),
                    4 => (Height - 1 - y, x),
                    5 => (x, y),
                    6 => (Height - 1 - x, y),
                    7 => (Height - 1 - x, Width - 1 - y),
                    _ => (x, Width - 1 - y),
                };
                Array.Copy(Pixels, (sy * Width + sx) * Channels, pixels, (y * w + x) * Channels, Channels);
            }
        return new HostImage(h, w, Channels, pixels);
    }
}
