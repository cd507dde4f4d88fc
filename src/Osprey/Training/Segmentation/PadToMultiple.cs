using Osprey.Data;
using Osprey.Data.Transforms;

namespace Osprey.Training.Segmentation;

/// <summary>
/// Pads a sample at the bottom and right to the next multiple of <paramref name="divisor"/> (image with 0, which is
/// the mean after Normalize; mask with ignore), for models whose input side must divide evenly (the padded UNet's four
/// poolings: 16). The padding is ignored by the metrics and cropped away from predictions.
/// </summary>
public sealed class PadToMultiple(long divisor) : ITransform
{
    public long Divisor { get; } = divisor >= 1 ? divisor : throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "expected >= 1");

    public static long Up(long size, long divisor) => (size + divisor - 1) / divisor * divisor;

    public Sample Apply(Sample sample, Random random) =>
        Geometry.Pad(sample, 0, 0, Up(sample.Width, Divisor) - sample.Width, Up(sample.Height, Divisor) - sample.Height);
}
