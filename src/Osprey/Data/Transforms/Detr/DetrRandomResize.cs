namespace Osprey.Data.Transforms.Detr;

/// <summary>
/// The official RandomResize: the shorter side to one of <see cref="Sizes"/> (uniform choice), the longer side capped
/// at <see cref="MaxSize"/> when given (<see cref="DetrGeometry.SizeWithAspectRatio"/>); Pillow's bilinear resampling.
/// </summary>
public sealed class DetrRandomResize : ITransform
{
    public IReadOnlyList<long> Sizes { get; }
    public long? MaxSize { get; }

    public DetrRandomResize(IReadOnlyList<long> sizes, long? maxSize = null)
    {
        if (sizes.Count == 0 || sizes.Any(s => s <= 0)) throw new ArgumentException($"DETR random resize: sizes must be positive and at least one, got [{string.Join(", ", sizes)}]");
        if (maxSize is <= 0) throw new ArgumentException($"DETR random resize: max size must be positive, got {maxSize}");
        (Sizes, MaxSize) = (sizes.ToArray(), maxSize);
    }

    public Sample Apply(Sample sample, Random random)
    {
        long size = Sizes[random.Next(Sizes.Count)];
        var (h, w) = DetrGeometry.SizeWithAspectRatio(sample.Height, sample.Width, size, MaxSize);
        return DetrGeometry.Resize(sample, h, w);
    }
}
