namespace Osprey.Data;

/// <summary>
/// One rank's share of a validation pass: the batches a single process would make of the order, dealt in contiguous
/// blocks (rank r takes batches [r·n/world, (r+1)·n/world) of n). Each rank's batches are exactly the single
/// process's (padded collation included), and the ranks' records in rank order are the single process's records in
/// its order, so metrics merged from the shards equal one process's to the bit. Ranks may get one batch fewer than
/// others, or none: validation's collectives come after the loop, not per batch.
/// </summary>
public sealed record BatchShard : IShardSampler
{
    public BatchShard(int rank, int worldSize)
    {
        if (worldSize < 1) throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "the world size must be at least 1");
        if (rank < 0 || rank >= worldSize)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"the rank must be in 0..{worldSize - 1}");
        (Rank, WorldSize) = (rank, worldSize);
    }

    public int Rank { get; }
    public int WorldSize { get; }

    (int First, int End) Block(int batches) => ((int)((long)Rank * batches / WorldSize), (int)((long)(Rank + 1) * batches / WorldSize));

    public int BatchCount(int count, int batchSize, bool dropLastBatch)
    {
        var (first, end) = Block(DataLoader.BatchesOf(count, batchSize, dropLastBatch));
        return end - first;
    }

    public int[][] Batches(IReadOnlyList<int> globalOrder, int batchSize, bool dropLastBatch)
    {
        var (first, end) = Block(DataLoader.BatchesOf(globalOrder.Count, batchSize, dropLastBatch));
        var order = globalOrder as int[] ?? globalOrder.ToArray();
        var batches = new int[end - first][];
        for (int b = first; b < end; b++) batches[b - first] = order[(b * batchSize)..Math.Min(order.Length, (b + 1) * batchSize)];
        return batches;
    }
}
