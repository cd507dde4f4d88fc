using Osprey.Torch;

namespace Osprey.Data.Transforms.Detection;

/// <summary>
/// ultralytics' MixUp (after "mixup: Beyond Empirical Risk Minimization", Zhang et al.): two augmented images of the
/// same size blended with a ratio r ~ Beta(32, 32) as (a r + b (1 - r)) truncated to uint8, and both boxes sets kept.
/// </summary>
public static class MixUp
{
    public const double Alpha = 32.0;

    public static Sample Apply(Sample a, Sample b, double ratio)
    {
        if (!a.Image.Shape.SequenceEqual(b.Image.Shape))
            throw new ArgumentException($"mixup needs images of one shape, got [{string.Join(", ", a.Image.Shape)}] and [{string.Join(", ", b.Image.Shape)}]");
        if (a.Image.DType != DType.UInt8 || b.Image.DType != DType.UInt8) throw new ArgumentException("mixup takes uint8 images");
        var pa = a.Image.Contiguous().ToBytes();
        var pb = b.Image.Contiguous().ToBytes();
        var mixed = new byte[pa.Length];
        for (int i = 0; i < pa.Length; i++) mixed[i] = (byte)(pa[i] * ratio + pb[i] * (1 - ratio)); // numpy astype: truncation
        using var scope = TensorScope.Begin();
        var image = Tensor.FromBytes(mixed, DType.UInt8, a.Image.Shape);
        var boxes = Concat(a.Boxes, b.Boxes, 4, DType.Float32);
        var labels = Concat(a.BoxLabels, b.BoxLabels, 0, DType.Int64);
        var result = a with { Image = image, Boxes = boxes, BoxLabels = labels, Mask = null };
        return Geometry.Keep(scope, a, result);
    }

    static Tensor Concat(Tensor? x, Tensor? y, int columns, DType dtype)
    {
        long[] empty = columns > 0 ? [0, columns] : [0];
        return Tensor.Cat([x ?? Tensor.Zeros(empty, dtype), y ?? Tensor.Zeros(empty, dtype)], 0);
    }

    /// <summary>A Beta(Alpha, Alpha) draw: X / (X + Y) of two Gamma(Alpha) draws (Marsaglia and Tsang's method).</summary>
    public static double Ratio(Random random)
    {
        double x = Gamma(random, Alpha), y = Gamma(random, Alpha);
        return x / (x + y);
    }

    static double Gamma(Random random, double shape)
    {
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z, v;
            do
            {
                // Box-Muller normal
                double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
                z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                v = 1 + c * z;
            } while (v <= 0);
            v = v * v * v;
            double u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v)) return d * v;
        }
    }
}
