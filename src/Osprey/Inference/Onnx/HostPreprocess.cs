using Osprey.Data.Images;
using Osprey.Data.Transforms.Detr;

namespace Osprey.Inference.Onnx;

/// <summary>
/// The evaluation preprocessing of the native predictors in managed code, for an ONNX Runtime predictor that ships
/// without libtorch: ATen's bilinear resize (align_corners=False, no antialias) of the 8-bit image rounded back to
/// 8 bits (half to even, as torch.round), then 0..1 and (x - mean) / std into a CHW float buffer. The arithmetic is
/// ATen's, in its order, in float32: source index (i + 0.5) scale - 0.5 clamped at 0, the row blend inside the
/// column blend. ATen's vectorized kernel may fuse a multiply-add on some CPUs, so where a blended value falls within
/// a rounding error of a half level, the two paths can differ by one 8-bit level; resizes by powers of two are exact.
/// </summary>
public static class HostPreprocess
{
    public static HostImage ResizeBilinear(HostImage image, int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"resize to {height}x{width}: sizes must be positive");
        if (height == image.Height && width == image.Width) return image;
        var (y0, y1, wy) = Taps(image.Height, height);
        var (x0, x1, wx) = Taps(image.Width, width);
        int c = image.Channels;
        var src = image.Pixels;
        var output = new byte[height * width * c];
        for (int y = 0; y < height; y++)
        {
            float h1 = wy[y], h0 = 1 - h1;
            int row0 = y0[y] * image.Width, row1 = y1[y] * image.Width;
            for (int x = 0; x < width; x++)
            {
                float w1 = wx[x], w0 = 1 - w1;
                for (int k = 0; k < c; k++)
                {
                    float top = src[(row0 + x0[x]) * c + k] * w0 + src[(row0 + x1[x]) * c + k] * w1;
                    float bottom = src[(row1 + x0[x]) * c + k] * w0 + src[(row1 + x1[x]) * c + k] * w1;
                    float v = top * h0 + bottom * h1;
                    output[(y * width + x) * c + k] = (byte)Math.Clamp(MathF.Round(v), 0, 255);
                }
            }
        }
        return new HostImage(height, width, c, output);
    }

    /// <summary>ATen's linear taps: first and second source index and the second's weight per output index.</summary>
    static (int[] First, int[] Second, float[] Weight) Taps(int input, int output)
    {
        float scale = (float)input / output;
        var first = new int[output];
        var second = new int[output];
        var weight = new float[output];
        for (int i = 0; i < output; i++)
        {
            float real = (float)(scale * (i + 0.5) - 0.5);
            if (real < 0) real = 0;
            int index = Math.Min((int)MathF.Floor(real), input - 1);
            first[i] = index;
            second[i] = index < input - 1 ? index + 1 : index;
            weight[i] = Math.Clamp(real - index, 0f, 1f);
        }
        return (first, second, weight);
    }

    /// <summary>Pillow's bilinear resize (<see cref="PilBilinear"/>, DETR's resampling) of a host image.</summary>
    public static HostImage ResizePil(HostImage image, int height, int width)
    {
        if (height == image.Height && width == image.Width) return image;
        int c = image.Channels, plane = image.Height * image.Width;
        var planes = new byte[image.Pixels.Length];
        for (int i = 0; i < plane; i++)
            for (int k = 0; k < c; k++) planes[k * plane + i] = image.Pixels[i * c + k];
        var resized = PilBilinear.Resize(planes, c, image.Height, image.Width, height, width);
        int outPlane = height * width;
        var pixels = new byte[resized.Length];
        for (int i = 0; i < outPlane; i++)
            for (int k = 0; k < c; k++) pixels[i * c + k] = resized[k * outPlane + i];
        return new HostImage(height, width, c, pixels);
    }

    /// <summary>The image inside a border of <paramref name="value"/> (a letterbox's grey 114).</summary>
    public static HostImage Pad(HostImage image, int left, int top, int right, int bottom, byte value)
    {
        if (left < 0 || top < 0 || right < 0 || bottom < 0) throw new ArgumentException($"pad by {left}, {top}, {right}, {bottom}: must not be negative");
        if (left + top + right + bottom == 0) return image;
        int c = image.Channels, width = image.Width + left + right, height = image.Height + top + bottom;
        var pixels = new byte[height * width * c];
        Array.Fill(pixels, value);
        int row = image.Width * c;
        for (int y = 0; y < image.Height; y++)
            Array.Copy(image.Pixels, y * row, pixels, ((y + top) * width + left) * c, row);
        return new HostImage(height, width, c, pixels);
    }

    /// <summary>A CHW float image of height x width placed at the top left of a zero canvas of the given size (a
    /// normalized image padded at the bottom and right, as the native runners pad before a forward).</summary>
    public static float[] PadPlanes(float[] chw, int channels, int height, int width, int toHeight, int toWidth)
    {
        if (toHeight == height && toWidth == width) return chw;
        var padded = new float[channels * toHeight * toWidth];
        for (int k = 0; k < channels; k++)
            for (int y = 0; y < height; y++)
                Array.Copy(chw, (k * height + y) * width, padded, (k * toHeight + y) * toWidth, width);
        return padded;
    }

    /// <summary>Writes the image as CHW float (x / 255 - mean) / std into <paramref name="destination"/>.</summary>
    public static void Normalize(HostImage image, float[] mean, float[] std, Span<float> destination)
    {
        int c = image.Channels, plane = image.Height * image.Width;
        if (mean.Length != c || std.Length != c)
            throw new ArgumentException($"normalize has {mean.Length} channel statistics, the image has {c} channels");
        if (destination.Length < c * plane) throw new ArgumentException($"normalize: {destination.Length} floats for {c * plane} values");
        for (int k = 0; k < c; k++)
            for (int i = 0; i < plane; i++)
                destination[k * plane + i] = (image.Pixels[i * c + k] / 255f - mean[k]) / std[k];
    }
}
