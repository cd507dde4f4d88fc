namespace Osprey.Data.Transforms.Detection;

/// <summary>
/// The <see cref="YoloAugment"/> pipeline behind the loader's multi-sample seam (wrap the training dataset in a
/// <see cref="MultiSampleDataset"/> with this): while mosaic is on for the epoch (until ultralytics' close_mosaic
/// epoch of <paramref name="epochs"/>, after which mixup ends too), the sample is combined with three others drawn uniformly from the dataset
/// (ultralytics' Mosaic.get_indexes without its buffer) using the sample's own generator; afterwards it is
/// letterboxed alone. Either way the rest of the pipeline (perspective, mixup, HSV, flips) follows; a mixup partner
/// is another uniformly drawn index (with its own three mosaic partners).
/// </summary>
public sealed class YoloTrainTransform(YoloAugment augment, int imgsz, int epochs) : IMultiSampleTransform
{
    public YoloAugment Augment => augment;

    public Sample Apply(IDataset<Sample> dataset, SampleContext context)
    {
        var epochAugment = augment.ForEpoch(context.Epoch, epochs);
        bool mosaic = epochAugment.MosaicOn(context.Epoch, epochs);
        var loaded = new List<Sample>();
        IReadOnlyList<Sample> Load(int first, Random random)
        {
            var indices = new List<int> { first };
            if (mosaic)
                for (int k = 0; k < 3; k++) indices.Add(random.Next(dataset.Count));
            var samples = indices.Select(dataset.Get).ToArray();
            loaded.AddRange(samples);
            return samples;
        }
        var result = epochAugment.Apply(Load(context.Index, context.Random), imgsz, context.Random, mosaic,
                                   random => Load(random.Next(dataset.Count), random));
        var kept = result.Tensors().ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var s in loaded)
            foreach (var t in s.Tensors())
                if (!kept.Contains(t)) t.Dispose();
        return result;
    }
}
