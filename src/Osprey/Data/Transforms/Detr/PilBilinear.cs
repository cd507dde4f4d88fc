using Osprey.Torch;

namespace Osprey.Data.Transforms.Detr;

/// <summary>
/// Pillow's bilinear resize of 8-bit images (<c>Image.resize(size, BILINEAR)</c>, the resampling torchvision applies to
/// the PIL images facebookresearch/detr's transforms work on). Separable: per output pixel a triangle filter whose
/// support widens by the scale factor when reducing (so reducing averages, unlike align-corners-free interpolation),
/// its weights normalized to sum 1 and rounded to 22-bit fixed point; the horizontal pass runs first, over only the
/// rows the vertical pass reads, and each pass rounds to uint8.
/// </summary>
public static class PilBilinear
{
    const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes a uint8 (C, H, W) image to height x width; the same tensor when the size is unchanged.</summary>
    public static Tensor Resize(Tensor image, long height, long width)
    {
        if (image.Dim != 3 || image.DType != DType.UInt8)
            throw new ArgumentException($"PilBilinear: needs a uint8 (C, H, W) image, got {image.Describe()}");
        if (height <= 0 || width <= 0) throw new ArgumentException($"PilBilinear: resize to {height}x{width}: sizes must be positive");
        int channels = (int)image.Size(0), inH = (int)image.Size(1), inW = (int)image.Size(2), outH = (int)height, outW = (int)width;
        if (outH == inH && outW == inW) return image;
        return Tensor.From(Resize(image.Contiguous().ToArray<byte>(), channels, inH, inW, outH, outW), channels, outH, outW);
    }

    /// <summary>The same on host pixels: a (channels, inH, inW) uint8 plane array to (channels, outH, outW).</summary>
    public static byte[] Resize(byte[] pixels, int channels, int inH, int inW, int outH, int outW)
    {
        if (pixels.Length != channels * inH * inW) throw new ArgumentException($"PilBilinear: {pixels.Length} bytes for {channels}x{inH}x{inW}");
        if (outH <= 0 || outW <= 0) throw new ArgumentException($"PilBilinear: resize to {outH}x{outW}: sizes must be positive");
        if (outH == inH && outW == inW) return pixels;
        var (vBounds, vWeights, vTaps) = Coefficients(inH, outH);
        int planeH = inH, planeW = inW;
        if (outW != inW)
        {
            // Only the rows the vertical pass reads.
            int first = vBounds[0], last = vBounds[2 * (outH - 1)] + vBounds[2 * (outH - 1) + 1];
            var (hBounds, hWeights, hTaps) = Coefficients(inW, outW);
            pixels = Horizontal(pixels, channels, inH, inW, first, last - first, outW, hBounds, hWeights, hTaps);
            for (int i = 0; i < outH; i++) vBounds[2 * i] -= first;
            (planeH, planeW) = (last - first, outW);
        }
        if (outH != inH) pixels = Vertical(pixels, channels, planeH, planeW, outH, vBounds, vWeights, vTaps);
        return pixels;
    }

    /// <summary>Per output index: the first input index and the tap count (bounds, interleaved), and the fixed-point
    /// weights, <c>taps</c> per output index.</summary>
    static (int[] Bounds, int[] Weights, int Taps) Coefficients(int inSize, int outSize)
    {
        const float in0 = 0;
        float in1 = inSize;
        double scale = (double)(in1 - in0) / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = 1.0 * filterScale; // the triangle's support is 1
        int taps = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * taps];
        var k = new double[taps];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = in0 + (xx + 0.5) * scale;
            double sum = 0, inverse = 1.0 / filterScale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int count = Math.Min((int)(center + support + 0.5), inSize) - min;
            for (int x = 0; x < count; x++)
            {
                double t = Math.Abs((x + min - center + 0.5) * inverse);
                k[x] = t < 1.0 ? 1.0 - t : 0.0;
                sum += k[x];
            }
            for (int x = 0; x < count; x++)
            {
                double w = sum != 0.0 ? k[x] / sum : k[x];
                weights[xx * taps + x] = (int)(w < 0 ? -0.5 + w * (1 << PrecisionBits) : 0.5 + w * (1 << PrecisionBits));
            }
            bounds[2 * xx] = min;
            bounds[2 * xx + 1] = count;
        }
        return (bounds, weights, taps);
    }

    static byte Clip8(int accumulated) => (byte)Math.Clamp(accumulated >> PrecisionBits, 0, 255);

    static byte[] Horizontal(byte[] source, int channels, int height, int width, int firstRow, int rows, int outW,
                             int[] bounds, int[] weights, int taps)
    {
        var output = new byte[channels * rows * outW];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < rows; y++)
            {
                int input = (c * height + y + firstRow) * width, row = (c * rows + y) * outW;
                for (int xx = 0; xx < outW; xx++)
                {
                    int min = bounds[2 * xx], count = bounds[2 * xx + 1], ss = 1 << (PrecisionBits - 1);
                    for (int x = 0; x < count; x++) ss += source[input + min + x] * weights[xx * taps + x];
                    output[row + xx] = Clip8(ss);
                }
            }
        return output;
    }

    static byte[] Vertical(byte[] source, int channels, int height, int width, int outH, int[] bounds, int[] weights, int taps)
    {
        var output = new byte[channels * outH * width];
        var sums = new int[width];
        for (int c = 0; c < channels; c++)
            for (int yy = 0; yy < outH; yy++)
            {
                int min = bounds[2 * yy], count = bounds[2 * yy + 1];
                // Row by row (the same sums as Pillow's per-pixel loop, in the same order, read contiguously).
                Array.Fill(sums, 1 << (PrecisionBits - 1));
                for (int y = 0; y < count; y++)
                {
                    int weight = weights[yy * taps + y];
                    var row = source.AsSpan((c * height + min + y) * width, width);
                    for (int x = 0; x < row.Length; x++) sums[x] += row[x] * weight;
                }
                var target = output.AsSpan((c * outH + yy) * width, width);
                for (int x = 0; x < target.Length; x++) target[x] = Clip8(sums[x]);
            }
        return output;
    }
}
