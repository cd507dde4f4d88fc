namespace Osprey.Data.Transforms;

/// <summary>
/// Turns a sample into a new one. All randomness comes from <paramref name="random"/>, which the loader derives from
/// (seed, epoch, sample index): the same seed gives the same result whichever thread runs it. A transform returns
/// tensors made in the caller's TensorScope and never disposes its input (the caller's scope owns it).
/// </summary>
public interface ITransform
{
    Sample Apply(Sample sample, Random random);
}

/// <summary>Applies transforms in order.</summary>
public sealed class Compose(params ITransform[] steps) : ITransform
{
    public IReadOnlyList<ITransform> Steps { get; } = steps;

    public Sample Apply(Sample sample, Random random)
    {
        foreach (var step in Steps) sample = step.Apply(sample, random);
        return sample;
    }
}
