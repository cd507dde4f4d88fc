using Osprey.Torch;
using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>
/// Conversion between Osprey's image tensors (CHW uint8, 1 or 3 channels, as <c>ImageCodec</c> decodes them) and Skia
/// bitmaps (RGBA 8888, opaque). Grey images become grey RGB; drawing happens on the bitmap.
/// </summary>
public static class TensorBitmap
{
    /// <summary>A new opaque RGBA bitmap holding the (1|3, H, W) uint8 <paramref name="image"/>.</summary>
    public static SKBitmap ToBitmap(Tensor image)
    {
        if (image.Dim != 3 || image.DType != DType.UInt8 || (image.Size(0) != 1 && image.Size(0) != 3))
            throw new ArgumentException($"image tensor {image.Describe()} must be (1 or 3, H, W) uint8");
        int channels = (int)image.Size(0), height = checked((int)image.Size(1)), width = checked((int)image.Size(2));
        if (height == 0 || width == 0) throw new ArgumentException($"image tensor {image.Describe()} is empty");
        var chw = image.ToArray<byte>();
        int plane = height * width;
        var rgba = new byte[plane * 4];
        for (int i = 0; i < plane; i++)
        {
            byte r = chw[i];
            rgba[4 * i] = r;
            rgba[4 * i + 1] = channels == 3 ? chw[plane + i] : r;
            rgba[4 * i + 2] = channels == 3 ? chw[2 * plane + i] : r;
            rgba[4 * i + 3] = 255;
        }
        return FromRgba(rgba, width, height);
    }

    /// <summary>A new (3, H, W) uint8 tensor of the bitmap's colours (alpha dropped).</summary>
    public static Tensor ToTensor(SKBitmap bitmap)
    {
        var rgba = Rgba(bitmap);
        int plane = bitmap.Width * bitmap.Height;
        var chw = new byte[plane * 3];
        for (int i = 0; i < plane; i++)
        {
            chw[i] = rgba[4 * i];
            chw[plane + i] = rgba[4 * i + 1];
            chw[2 * plane + i] = rgba[4 * i + 2];
        }
        return Tensor.From(chw, 3, bitmap.Height, bitmap.Width);
    }

    /// <summary>The bitmap's pixels as unpremultiplied RGBA bytes, row-major.</summary>
    public static byte[] Rgba(SKBitmap bitmap)
    {
        var info = new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bytes = new byte[info.BytesSize];
        using var pixmap = bitmap.PeekPixels()
                           ?? throw new InvalidOperationException($"the pixels of a {bitmap.Width}x{bitmap.Height} bitmap are not readable");
        unsafe
        {
            fixed (byte* p = bytes)
                if (!pixmap.ReadPixels(info, (IntPtr)p, info.RowBytes, 0, 0))
                    throw new InvalidOperationException($"cannot read the pixels of a {bitmap.Width}x{bitmap.Height} {bitmap.ColorType} bitmap");
        }
        return bytes;
    }

    /// <summary>A new bitmap from unpremultiplied RGBA bytes, row-major.</summary>
    public static SKBitmap FromRgba(byte[] rgba, int width, int height)
    {
        if (rgba.Length != width * height * 4) throw new ArgumentException($"{rgba.Length} RGBA bytes for a {width}x{height} image (needs {width * height * 4})");
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        unsafe
        {
            fixed (byte* p = rgba)
                Buffer.MemoryCopy(p, (void*)bitmap.GetPixels(), rgba.Length, rgba.Length);
        }
        return bitmap;
    }

    /// <summary>A new opaque bitmap of <paramref name="width"/> x <paramref name="height"/> filled with <paramref name="color"/>.</summary>
    public static SKBitmap Blank(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        return bitmap;
    }
}
