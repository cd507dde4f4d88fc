namespace Osprey.Data;

/// <summary>
/// Which of an epoch's samples one rank of a data-parallel run serves, and in which batches: the training share of
/// <see cref="DistributedSampler"/> (every rank the same number of batches) or the validation share of
/// <see cref="BatchShard"/> (whole batches of the single process, in blocks).
/// </summary>
public interface IShardSampler
{
    /// <summary>This rank's batches per epoch for a dataset of <paramref name="count"/>.</summary>
    int BatchCount(int count, int batchSize, bool dropLastBatch);

    /// <summary>This rank's batches of an epoch whose global order is <paramref name="globalOrder"/>.</summary>
    int[][] Batches(IReadOnlyList<int> globalOrder, int batchSize, bool dropLastBatch);
}
