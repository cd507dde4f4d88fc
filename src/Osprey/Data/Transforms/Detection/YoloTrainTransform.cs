namespace Osprey.Data.Transforms.Detection;

/// <summary>
/// The <see cref="YoloAugment"/> pipeline behind the loader's multi-sample seam (wrap the training dataset in a
/// <see cref="MultiSampleDataset"/> with this): while mosaic is on for the epoch (all but the last close_mosaic
/// epochs of <paramref name="epochs"/>), the sample is combined with three others drawn uniformly from the dataset
/// (ultralytics' Mosaic.get_indexes without its buffer) using the sample's own generator; afterwards it is
/// letterboxed alone. Either way the rest of the pipeline (perspective, HSV, flips) follows.
/// </summary>
public sealed class YoloTrainTransform(YoloAugment augment, int imgsz, int epochs) : IMultiSampleTransform
{
    public YoloAugment Augment => augment;

    public Sample Apply(IDataset<Sample> dataset, SampleContext context)
    {
        bool mosaic = augment.MosaicOn(context.Epoch, epochs);
        var indices = new List<int> { context.Index };
        if (mosaic)
            for (int k = 0; k < 3; k++) indices.Add(context.Random.Next(dataset.Count));
        var samples = indices.Select(dataset.Get).ToArray();
        var result = augment.Apply(samples, imgsz, context.Random, mosaic);
        var kept = result.Tensors().ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var s in samples)
            foreach (var t in s.Tensors())
                if (!kept.Contains(t)) t.Dispose();
        return result;
    }
}
