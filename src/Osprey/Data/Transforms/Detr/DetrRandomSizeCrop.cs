namespace Osprey.Data.Transforms.Detr;

/// <summary>
/// The official RandomSizeCrop: a crop width uniform in [min, min(image width, max)], then a height likewise, then a
/// uniform position (torchvision's RandomCrop.get_params: top, then left; no draw when the crop is the whole image).
/// Boxes are clipped to the crop and those left empty removed (<see cref="DetrGeometry.Crop"/>).
/// </summary>
public sealed class DetrRandomSizeCrop : ITransform
{
    public long MinSize { get; }
    public long MaxSize { get; }

    public DetrRandomSizeCrop(long minSize, long maxSize)
    {
        if (minSize <= 0 || maxSize < minSize) throw new ArgumentException($"DETR random size crop: needs 0 < min <= max, got {minSize}..{maxSize}");
        (MinSize, MaxSize) = (minSize, maxSize);
    }

    public Sample Apply(Sample sample, Random random)
    {
        if (sample.Width < MinSize || sample.Height < MinSize)
            throw new ArgumentException($"DETR random size crop of at least {MinSize}x{MinSize} from a {sample.Height}x{sample.Width} image" +
                                        (sample.Source is { } src ? $" ({src})" : "") + ": resize the image to at least the crop's minimum first");
        long w = random.NextInt64(MinSize, Math.Min(sample.Width, MaxSize) + 1);
        long h = random.NextInt64(MinSize, Math.Min(sample.Height, MaxSize) + 1);
        long top = 0, left = 0;
        if (h != sample.Height || w != sample.Width)
        {
            top = random.NextInt64(0, sample.Height - h + 1);
            left = random.NextInt64(0, sample.Width - w + 1);
        }
        return DetrGeometry.Crop(sample, top, left, h, w);
    }
}
