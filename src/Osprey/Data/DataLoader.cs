using Osprey.Data.Transforms;
using Osprey.Torch;

namespace Osprey.Data;

/// <summary>
/// Batches a dataset: shuffles per epoch from (seed, epoch), applies the transform with a generator derived from
/// (seed, epoch, sample index) — the same generator an <see cref="IRandomizedDataset"/> gets first — and collates into a
/// <see cref="Batch"/> with the given <see cref="ICollate"/> (stacking by default). With workers, whole batches are assembled on
/// worker threads with at most <see cref="LoaderOptions.Prefetch"/> batches built ahead; the order and the content of
/// every batch depend only on the seed, never on the worker count or thread timing.
/// Each batch's tensors are made inside the building thread's scopes and handed to the consumer, who disposes the batch.
/// When the transform crops first and the dataset can decode regions (<see cref="IRegionDataset"/>), only the
/// cropped region is decoded: the same samples, at the region's share of the decoding.
/// </summary>
public sealed class DataLoader
{
    readonly IDataset<Sample> dataset;
    readonly ITransform? transform;
    readonly ICropFirstTransform? cropFirst;
    readonly ICollate collate;

    public LoaderOptions Options { get; }

    public DataLoader(IDataset<Sample> dataset, ITransform? transform, LoaderOptions options, ICollate? collate = null)
    {
        options.Validate();
        if (dataset.Count == 0) throw new ArgumentException("the dataset is empty", nameof(dataset));
        (this.dataset, this.transform, Options, this.collate) = (dataset, transform, options, collate ?? StackCollate.Instance);
        cropFirst = ICropFirstTransform.Of(transform);
    }

    /// <summary>Batches per epoch (the last partial batch counts unless DropLast).</summary>
    public int BatchCount
    {
        get
        {
            if (Options.Sampler is { } sampler) return sampler.BatchCount(dataset.Count, Options.BatchSize, Options.DropLast);
            return BatchesOf(dataset.Count, Options.BatchSize, Options.DropLast);
        }
    }

    /// <summary>Batches of <paramref name="batchSize"/> in <paramref name="samples"/>: the last partial one counts unless dropped.</summary>
    public static int BatchesOf(int samples, int batchSize, bool dropLastBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return dropLastBatch ? samples / batchSize : (samples + batchSize - 1) / batchSize;
    }

    /// <summary>The dataset indices of epoch <paramref name="epoch"/> in the order they are served.</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, dataset.Count).ToArray();
        if (!Options.Shuffle) return order;
        var random = SeedMix.Generator(Options.Seed, epoch, SeedMix.ShuffleStream);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>The batches of one epoch. Dispose each batch; leaving the loop early stops the workers and disposes
    /// whatever they had built.</summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        var order = Order(epoch);
        int[][] plan;
        if (Options.Sampler is { } sampler)
            plan = sampler.Batches(order, Options.BatchSize, Options.DropLast);
        else
        {
            plan = new int[BatchCount][];
            for (int b = 0; b < plan.Length; b++)
                plan[b] = order[(b * Options.BatchSize)..Math.Min(order.Length, (b + 1) * Options.BatchSize)];
        }
        return Options.Workers == 0 ? Inline(plan, epoch) : Prefetched(plan, epoch);
    }

    IEnumerable<Batch> Inline(int[][] plan, int epoch)
    {
        for (int b = 0; b < plan.Length; b++) yield return Build(b, plan[b], epoch);
    }

    IEnumerable<Batch> Prefetched(int[][] plan, int epoch)
    {
        using var pipeline = new PrefetchPipeline<Batch>(plan.Length, b => Build(b, plan[b], epoch), Options.Workers, Options.Prefetch);
        for (int b = 0; b < plan.Length; b++) yield return pipeline.Take(b);
    }

    /// <summary>One sample, transformed with its own generator; its tensors move to the caller's scope and the
    /// transform's intermediates are freed now, not at the end of the batch.</summary>
    Sample Prepare(int index, int epoch)
    {
        using var scope = TensorScope.Begin();
        var context = new SampleContext(index, epoch, SeedMix.Generator(Options.Seed, epoch, index));
        Sample sample;
        if (dataset is IRegionDataset regions && cropFirst != null)
        {
            var random = context.Random;
            sample = cropFirst.ApplyToRegion(regions.Get(index, (h, w) => cropFirst.ChooseRegion(h, w, random)), random);
        }
        else
        {
            sample = dataset is IRandomizedDataset randomized ? randomized.Get(context) : dataset.Get(index);
            if (sample.OriginalSize is null) sample = sample with { OriginalSize = (sample.Height, sample.Width) };
            if (transform != null) sample = transform.Apply(sample, context.Random);
        }
        foreach (var t in sample.Tensors()) scope.Keep(t);
        return sample;
    }

    Batch Build(int number, int[] indices, int epoch)
    {
        using var scope = TensorScope.Begin();
        var samples = indices.Select(i => Prepare(i, epoch)).ToArray();
        var batch = collate.Collate(number, indices, samples);
        // The batch, not any scope, owns its tensors: the consumer may be on another thread or in another scope.
        foreach (var t in batch.Tensors()) scope.Keep(t).DetachFromScope();
        return batch;
    }
}
