using SkiaSharp;

namespace Osprey.Data.Images;

/// <summary>
/// BMP through SkiaSharp's decoder (Skia's SkBmpCodec: 1/4/8-bit palettes, 16/24/32-bit, RLE, bit fields), as
/// unpremultiplied RGBA without colour management, so the samples are the file's. No Debian C library decodes BMP,
/// hence this one format is not in libosprey_codecs. Unchanged mode gives RGB, or RGBA when Skia finds an alpha channel
/// (a 32-bit file whose fourth bytes are all zero is opaque to Skia; PIL reads every 32-bit BI_RGB file as RGB).
/// </summary>
internal static class BmpDecoder
{
    public static unsafe (byte[] Pixels, CodecImage Info) Decode(ReadOnlySpan<byte> data, ImageReadMode mode, string source, long maxPixels)
    {
        if (mode == ImageReadMode.Indices)
            throw new ImageDecodeException(source, "BMP", "BMP files are not read as exact indices: store masks as PNG");
        SKData encoded;
        fixed (byte* p = data) encoded = SKData.CreateCopy((IntPtr)p, data.Length);
        using (encoded)
        using (var codec = SKCodec.Create(encoded))
        {
            if (codec is null) throw new ImageDecodeException(source, "BMP", "cannot read the BMP header (a corrupt or truncated file)");
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if ((long)width * height > maxPixels) throw ImageCodec.TooManyPixels(source, "BMP", width, height, maxPixels);
            int sourceChannels = codec.Info.AlphaType == SKAlphaType.Opaque ? 3 : 4;
            var rgba = new byte[(long)width * height * 4];
            var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            SKCodecResult result;
            fixed (byte* p = rgba) result = codec.GetPixels(target, (IntPtr)p);
            if (result != SKCodecResult.Success)
                throw new ImageDecodeException(source, "BMP", result == SKCodecResult.IncompleteInput
                    ? "the pixel data ends early (the file is truncated)" : $"cannot decode the BMP pixels ({result})");
            int channels = mode switch
            {
                ImageReadMode.Gray => 1,
                ImageReadMode.GrayAlpha => 2,
                ImageReadMode.Rgb => 3,
                ImageReadMode.Rgba => 4,
                _ => sourceChannels,
            };
            var info = new CodecImage { Width = width, Height = height, Channels = channels, BytesPerSample = 1 };
            if (channels == 4) return (rgba, info);
            var pixels = new byte[(long)width * height * channels];
            fixed (byte* from = rgba)
            fixed (byte* to = pixels)
                CodecNative.osc_convert_channels(from, 4, to, channels, (nuint)((long)width * height), 1);
            return (pixels, info);
        }
    }
}
