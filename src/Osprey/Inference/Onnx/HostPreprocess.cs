using Osprey.Data.Images;

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
