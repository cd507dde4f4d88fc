namespace Osprey.Data.Transforms;

/// <summary>Mirrors left-right with probability <paramref name="p"/> (boxes and mask too).</summary>
public sealed class RandomHorizontalFlip(double p = 0.5) : ITransform
{
    public Sample Apply(Sample sample, Random random) => random.NextDouble() < p ? Geometry.FlipHorizontal(sample) : sample;
}

/// <summary>Mirrors top-bottom with probability <paramref name="p"/> (boxes and mask too).</summary>
public sealed class RandomVerticalFlip(double p = 0.5) : ITransform
{
    public Sample Apply(Sample sample, Random random) => random.NextDouble() < p ? Geometry.FlipVertical(sample) : sample;
}
