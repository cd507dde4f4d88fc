namespace Osprey.Data.Transforms;

/// <summary>
/// torchvision's Resize (bilinear, antialias=False): to exactly height x width, or, given one size, the shorter edge
/// becomes that size and the longer edge keeps the aspect ratio (truncated, as torchvision does), optionally capped at maxSize.
/// </summary>
public sealed class Resize : ITransform
{
    readonly long? height, width, shorter, maxSize;

    public Resize(long height, long width) => (this.height, this.width) = (Positive(height), Positive(width));

    public Resize(long shorterEdge, long? maxSize = null)
    {
        shorter = Positive(shorterEdge);
        if (maxSize is { } m && m <= shorterEdge) throw new ArgumentException($"maxSize {m} must exceed the shorter edge {shorterEdge}");
        this.maxSize = maxSize;
    }

    static long Positive(long size) => size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "sizes must be positive");

    /// <summary>The output (height, width) for an input of h x w (torchvision's _compute_resized_output_size).</summary>
    public (long Height, long Width) OutputSize(long h, long w)
    {
        if (height is { } fh) return (fh, width!.Value);
        var (small, large) = w <= h ? (w, h) : (h, w);
        long newShort = shorter!.Value, newLong = (long)(newShort * (double)large / small);
        if (maxSize is { } max && newLong > max)
        {
            newShort = (long)(max * (double)newShort / newLong);
            newLong = max;
        }
        return w <= h ? (newLong, newShort) : (newShort, newLong);
    }

    public Sample Apply(Sample sample, Random random)
    {
        var (h, w) = OutputSize(sample.Height, sample.Width);
        return Geometry.Resize(sample, h, w);
    }
}
