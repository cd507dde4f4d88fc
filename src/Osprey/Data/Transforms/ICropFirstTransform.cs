namespace Osprey.Data.Transforms;

/// <summary>
/// A transform whose first step crops a region chosen from the image's size alone, so a loader can decode only that
/// region (<see cref="IRegionDataset"/>). Apply(sample) equals ApplyToRegion(the sample cropped to ChooseRegion(...))
/// with the same Random.
/// </summary>
public interface ICropFirstTransform : ITransform
{
    PixelRegion ChooseRegion(long height, long width, Random random);

    /// <summary>The rest of the transform, on a sample already cropped to the chosen region.</summary>
    Sample ApplyToRegion(Sample cropped, Random random);

    /// <summary>The transform as a crop-first one: itself, or a <see cref="Compose"/> whose first step crops first;
    /// null otherwise.</summary>
    static ICropFirstTransform? Of(ITransform? transform) => transform switch
    {
        ICropFirstTransform cropFirst => cropFirst,
        Compose { Steps: [ICropFirstTransform first, ..] } compose => new CropThen(first, compose.Steps.Skip(1).ToArray()),
        _ => null,
    };

    sealed class CropThen(ICropFirstTransform crop, ITransform[] rest) : ICropFirstTransform
    {
        public PixelRegion ChooseRegion(long height, long width, Random random) => crop.ChooseRegion(height, width, random);

        public Sample ApplyToRegion(Sample cropped, Random random)
        {
            var sample = crop.ApplyToRegion(cropped, random);
            foreach (var step in rest) sample = step.Apply(sample, random);
            return sample;
        }

        public Sample Apply(Sample sample, Random random)
        {
            sample = crop.Apply(sample, random);
            foreach (var step in rest) sample = step.Apply(sample, random);
            return sample;
        }
    }
}
