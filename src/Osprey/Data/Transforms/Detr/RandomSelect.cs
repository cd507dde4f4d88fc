namespace Osprey.Data.Transforms.Detr;

/// <summary>The official RandomSelect: <paramref name="first"/> with probability <paramref name="p"/>, else <paramref name="second"/>
/// (one uniform draw, first when it is below p).</summary>
public sealed class RandomSelect(ITransform first, ITransform second, double p = 0.5) : ITransform
{
    public Sample Apply(Sample sample, Random random) => random.NextDouble() < p ? first.Apply(sample, random) : second.Apply(sample, random);
}
