using Osprey.Torch;

namespace Osprey.Data.Images;

public static partial class ImageCodec
{
    /// <summary>
    /// Decodes only the region that <paramref name="choose"/> picks from the image's (height, width), for transforms
    /// that crop first (a random-resized crop): the pixels equal <see cref="Read"/>'s cropped to the region. An upright
    /// gray or YCbCr JPEG decoded to gray or RGB decodes the region alone (rows above it are entropy-decoded only,
    /// nothing below it is read; see native/codecs/jpeg_region.c); any other file is decoded whole and cropped, and so
    /// is a JPEG that does not end with its end-of-image marker, so a truncated file fails whatever region is asked.
    /// <paramref name="size"/> is the whole image's (height, width).
    /// </summary>
    public static Tensor ReadRegion(string path, ImageReadMode mode, Func<long, long, PixelRegion> choose, out (long Height, long Width) size)
    {
        var bytes = ReadBytes(path);
        if (mode is ImageReadMode.Rgb or ImageReadMode.Gray && ImageFormats.Detect(bytes) == ImageFormat.Jpeg &&
            EndsWithEndOfImage(bytes) && ExifOrientation.Read(bytes) == 1 && JpegHeader(bytes, path) is { Cmyk: false } header)
        {
            size = (header.Height, header.Width);
            return DecodeWith(bytes, mode, path, ImageFormat.Jpeg, ToChw, choose(header.Height, header.Width).Inside(header.Height, header.Width));
        }
        using var scope = TensorScope.Begin();
        var whole = Decode(bytes, mode, path);
        size = (whole.Size(1), whole.Size(2));
        var region = choose(size.Height, size.Width).Inside(size.Height, size.Width);
        return scope.Keep(whole.Narrow(1, region.Top, region.Height).Narrow(2, region.Left, region.Width));
    }

    static bool EndsWithEndOfImage(byte[] data) => data.Length >= 2 && data[^2] == 0xFF && data[^1] == 0xD9;

    static unsafe (long Height, long Width, bool Cmyk) JpegHeader(ReadOnlySpan<byte> data, string source)
    {
        byte* err = stackalloc byte[CodecNative.ErrorBufferSize];
        CodecImage info;
        int status, cmyk;
        fixed (byte* p = data) status = CodecNative.osc_jpeg_header(p, (nuint)data.Length, out info, out cmyk, err, CodecNative.ErrorBufferSize);
        if (status != CodecNative.Ok) throw new ImageDecodeException(source, "JPEG", CodecNative.Message(err));
        return (info.Height, info.Width, cmyk != 0);
    }
}
