using Osprey.Data;
using Osprey.Torch;

namespace Osprey.Training.Classification;

/// <summary>Calibration batches for int8: images of the run's training split (a seeded random choice), prepared as
/// validation prepares them.</summary>
public static class ClassificationCalibration
{
    public const int DefaultImages = 256;

    /// <summary>Up to <paramref name="images"/> training images of <paramref name="dataSpec"/> (null: the run's data) in
    /// batches of <paramref name="batch"/>; each batch lives until the next one is asked for (or the enumeration ends).</summary>
    public static IEnumerable<Tensor> Batches(TrainedModel trained, string? dataSpec = null, int images = DefaultImages, int batch = 32, int workers = 2)
    {
        if (images < 1) throw new ArgumentOutOfRangeException(nameof(images), images, "calibration needs at least one image");
        if (trained.Foreign && dataSpec == null)
            throw new InvalidDataException($"{trained.Path} names no training data to calibrate int8 on: pass --data");
        var source = ClassificationSource.Open(dataSpec ?? trained.Info.Options.Data);
        var loader = new DataLoader(source.Train, ClassificationSource.EvalTransform(trained.Info.ImageSize, trained.Info.Mean, trained.Info.Std),
                                    new LoaderOptions { BatchSize = batch, Shuffle = true, Seed = 0, Workers = workers });
        long taken = 0;
        Tensor? current = null;
        try
        {
            foreach (var b in loader.Epoch(0))
            {
                using (b)
                {
                    current?.Dispose();
                    long keep = Math.Min(b.Input.Images.Size(0), images - taken);
                    taken += keep;
                    using (var scope = TensorScope.Begin()) current = b.Input.Images.Narrow(0, 0, keep).Clone().DetachFromScope();
                }
                yield return current;
                if (taken >= images) yield break;
            }
        }
        finally
        {
            current?.Dispose();
        }
    }
}
