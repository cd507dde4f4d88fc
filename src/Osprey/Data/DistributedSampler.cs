namespace Osprey.Data;

/// <summary>
/// One rank's share of every epoch, as torch.utils.data.DistributedSampler deals it: the epoch's global order (the
/// same for every rank, from (seed, epoch)) is padded by repeating its head (or, with <see cref="DropTail"/>, cut) to
/// a multiple of the world size, and rank r takes elements r, r + world, r + 2·world, ... Every rank therefore has
/// the same number of samples and batches, so the ranks' collectives stay in step. With a per-rank batch of B, batch
/// k of all ranks together is elements [k·world·B, (k+1)·world·B) of the global order: whatever the world size, a
/// step sees the same samples as one process with batch world·B (exactly so when world·B divides the dataset).
/// </summary>
public sealed record DistributedSampler : IShardSampler
{
    public DistributedSampler(int rank, int worldSize, bool dropTail = false)
    {
        if (worldSize < 1) throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "the world size must be at least 1");
        if (rank < 0 || rank >= worldSize)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"the rank must be in 0..{worldSize - 1}");
        (Rank, WorldSize, DropTail) = (rank, worldSize, dropTail);
    }

    public int Rank { get; }
    public int WorldSize { get; }

    /// <summary>Cut the global order down to a multiple of the world size instead of padding it.</summary>
    public bool DropTail { get; }

    /// <summary>
    /// The dataset indices of epoch <paramref name="epoch"/> in global order: a Fisher-Yates shuffle driven by
    /// <see cref="SeedMix.Generator"/>(seed, epoch, <see cref="SeedMix.ShuffleStream"/>), the order
    /// <see cref="DataLoader.Order"/> serves a single process.
    /// </summary>
    public static int[] EpochOrder(int count, int seed, int epoch, bool shuffle)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = Enumerable.Range(0, count).ToArray();
        if (!shuffle) return order;
        var random = SeedMix.Generator(seed, epoch, SeedMix.ShuffleStream);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Samples of each rank per epoch for a dataset of <paramref name="count"/>.</summary>
    public int ShardSize(int count)
    {
        if (count < 1 || (DropTail && count < WorldSize))
            throw new ArgumentException($"a dataset of {count} samples leaves ranks of a world of {WorldSize} without a sample");
        return DropTail ? count / WorldSize : (count + WorldSize - 1) / WorldSize;
    }

    /// <summary>This rank's indices of an epoch, in the order it serves them.</summary>
    public int[] Shard(IReadOnlyList<int> globalOrder)
    {
        var size = ShardSize(globalOrder.Count);
        var shard = new int[size];
        for (int i = 0; i < size; i++) shard[i] = globalOrder[(i * WorldSize + Rank) % globalOrder.Count];
        return shard;
    }

    public int BatchCount(int count, int batchSize, bool dropLastBatch)
    {
        return DataLoader.BatchesOf(ShardSize(count), batchSize, dropLastBatch);
    }

    /// <summary>
    /// This rank's batches of <paramref name="batchSize"/> (per rank) of an epoch; the last one is partial unless
    /// <paramref name="dropLastBatch"/>. Every rank gets the same count.
    /// </summary>
    public int[][] Batches(IReadOnlyList<int> globalOrder, int batchSize, bool dropLastBatch = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var shard = Shard(globalOrder);
        var count = DataLoader.BatchesOf(shard.Length, batchSize, dropLastBatch);
        var batches = new int[count][];
        for (int b = 0; b < count; b++) batches[b] = shard[(b * batchSize)..Math.Min(shard.Length, (b + 1) * batchSize)];
        return batches;
    }

    /// <summary>
    /// Each rank's batch for a global batch of <paramref name="globalBatch"/> (ultralytics' --batch is the total across
    /// ranks); refuses one the world size does not divide.
    /// </summary>
    public static int PerRankBatch(int globalBatch, int worldSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        if (globalBatch < worldSize || globalBatch % worldSize != 0)
            throw new ArgumentException($"batch {globalBatch} is not a multiple of the world size {worldSize}: each rank takes batch / world samples a step");
        return globalBatch / worldSize;
    }
}
