using Osprey.Torch;

namespace Osprey.Data.Transforms.Detection;

/// <summary>
/// ultralytics' RandomHSV: gains r = U(-1, 1) x (h, s, v) gains, applied through lookup tables on OpenCV's 8-bit HSV
/// (hue 0..179): hue shifted by r_h x 180 modulo 180, saturation and value scaled by 1 + r and clipped, saturation 0
/// kept 0 (ultralytics >= 8.3.79). The conversions reproduce OpenCV's for uint8 images: the integer RGB2HSV, and
/// HSV2RGB's vectorized path (float sectors, results truncated to uint8), which converts all but the last
/// (width mod 4 x SIMD lanes) pixels of each row; OpenCV's scalar tail rounds instead, so those few pixels can be one
/// level apart. Only 3-channel images change. Defaults are ultralytics' (0.015, 0.7, 0.4).
/// </summary>
public sealed record RandomHsv(double HueGain = 0.015, double SaturationGain = 0.7, double ValueGain = 0.4)
{
    const int Shift = 12;
    static readonly int[] SaturationDivision = Enumerable.Range(0, 256).Select(i => i == 0 ? 0 : (int)Math.Round((255 << Shift) / (double)i, MidpointRounding.ToEven)).ToArray();
    static readonly int[] HueDivision = Enumerable.Range(0, 256).Select(i => i == 0 ? 0 : (int)Math.Round((180 << Shift) / (6.0 * i), MidpointRounding.ToEven)).ToArray();

    public Sample Apply(Sample s, Random random)
    {
        if (s.Image.Size(0) != 3 || (HueGain == 0 && SaturationGain == 0 && ValueGain == 0)) return s;
        double U() => -1 + 2 * random.NextDouble();
        double[] gains = [U() * HueGain, U() * SaturationGain, U() * ValueGain];
        using var scope = TensorScope.Begin();
        return Geometry.Keep(scope, s, s with { Image = WithGains(s.Image, gains) });
    }

    /// <summary>The image with the drawn gains (r_h, r_s, r_v) applied.</summary>
    public static Tensor WithGains(Tensor image, double[] gains)
    {
        if (image.DType != DType.UInt8 || image.Size(0) != 3)
            throw new ArgumentException($"HSV augmentation takes a uint8 RGB CHW image, got {image.DType.Name()} [{string.Join(", ", image.Shape)}]");
        var (hueLut, satLut, valLut) = (new byte[256], new byte[256], new byte[256]);
        for (int x = 0; x < 256; x++)
        {
            double hue = (x + gains[0] * 180) % 180;
            if (hue < 0) hue += 180;
            hueLut[x] = (byte)hue;
            satLut[x] = (byte)Math.Clamp(x * (gains[1] + 1), 0, 255);
            valLut[x] = (byte)Math.Clamp(x * (gains[2] + 1), 0, 255);
        }
        satLut[0] = 0;
        var pixels = image.Contiguous().ToBytes();
        int n = pixels.Length / 3;
        for (int i = 0; i < n; i++)
        {
            var (h, sat, v) = ToHsv(pixels[i], pixels[n + i], pixels[2 * n + i]);
            var (r, g, b) = ToRgb(hueLut[h], satLut[sat], valLut[v]);
            (pixels[i], pixels[n + i], pixels[2 * n + i]) = (r, g, b);
        }
        return Tensor.FromBytes(pixels, DType.UInt8, image.Shape);
    }

    /// <summary>OpenCV's RGB2HSV for 8-bit data (hue range 180).</summary>
    public static (int H, int S, int V) ToHsv(int r, int g, int b)
    {
        int v = Math.Max(r, Math.Max(g, b)), vmin = Math.Min(r, Math.Min(g, b));
        int diff = v - vmin;
        int vr = v == r ? -1 : 0, vg = v == g ? -1 : 0;
        int s = (diff * SaturationDivision[v] + (1 << (Shift - 1))) >> Shift;
        int h = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + (~vg & (r - g + 4 * diff))));
        h = (h * HueDivision[diff] + (1 << (Shift - 1))) >> Shift;
        if (h < 0) h += 180;
        return (h, s, v);
    }

    /// <summary>OpenCV's vectorized HSV2RGB for 8-bit data: through float, hue x 6/180 into six sectors, truncated.</summary>
    public static (byte R, byte G, byte B) ToRgb(int hue, int saturation, int value)
    {
        float h = hue, s = saturation * (1f / 255f), v = value * (1f / 255f);
        float r, g, b;
        if (s == 0) r = g = b = v;
        else
        {
            h *= 6f / 180f;
            int preSector = (int)h; // hue >= 0: truncation is floor
            h -= preSector;
            int sector = preSector - preSector / 6 * 6;
            // 1 - s h as a fused multiply-add: GCC contracts it in OpenCV's AVX2/AVX-512 builds (the CPUs ultralytics
            // mostly runs on); an SSE-only OpenCV rounds the product first and can land one level lower.
            Span<float> tab = [v, v * (1f - s), v * MathF.FusedMultiplyAdd(-s, h, 1f), v * MathF.FusedMultiplyAdd(-s, 1f - h, 1f)];
            // OpenCV's sector_data lists (b, g, r) indices.
            ReadOnlySpan<int> sectors = [1, 3, 0, 1, 0, 2, 3, 0, 1, 0, 2, 1, 0, 1, 3, 2, 1, 0];
            b = tab[sectors[3 * sector]];
            g = tab[sectors[3 * sector + 1]];
            r = tab[sectors[3 * sector + 2]];
        }
        static byte Byte(float x) => (byte)Math.Clamp((int)(x * 255f), 0, 255);
        return (Byte(r), Byte(g), Byte(b));
    }
}
