using Osprey.Data;

namespace Osprey.Tests.Data;

public class BatchShardTests
{
    sealed class Indices(int count) : IDataset<Sample>
    {
        public int Count => count;
        public Sample Get(int index) => new(Tensor.From(new float[] { index }, 1, 1, 1));
    }

    [Fact]
    public void Ranks_take_contiguous_blocks_of_the_single_process_batches()
    {
        var order = Enumerable.Range(0, 23).Select(i => 100 + i).ToArray();   // 6 batches of 4, the last of 3
        var single = Enumerable.Range(0, 6).Select(b => order[(b * 4)..Math.Min(23, b * 4 + 4)]).ToArray();
        var shards = Enumerable.Range(0, 4).Select(r => new BatchShard(r, 4).Batches(order, 4, false)).ToArray();
        Assert.Equal([1, 2, 1, 2], shards.Select(s => s.Length));   // [0, 1), [1, 3), [3, 4), [4, 6)
        Assert.Equal(single, shards.SelectMany(s => s));
        Assert.Equal([1, 2, 1, 2], Enumerable.Range(0, 4).Select(r => new BatchShard(r, 4).BatchCount(23, 4, false)));
        Assert.Equal(5, Enumerable.Range(0, 4).Sum(r => new BatchShard(r, 4).BatchCount(23, 4, dropLastBatch: true)));
    }

    [Fact]
    public void Fewer_batches_than_ranks_leave_some_ranks_none()
    {
        var shards = Enumerable.Range(0, 3).Select(r => new BatchShard(r, 3).Batches([0, 1, 2, 3, 4], 4, false)).ToArray();
        Assert.Equal([0, 1, 1], shards.Select(s => s.Length));
        Assert.Equal([[0, 1, 2, 3], [4]], shards.SelectMany(s => s));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchShard(3, 3));
    }

    [Fact]
    public void A_loader_serves_only_its_block()
    {
        var dataset = new Indices(10);
        var loader = new DataLoader(dataset, null, new LoaderOptions { BatchSize = 3, Shuffle = false, Sampler = new BatchShard(1, 2) });
        Assert.Equal(2, loader.BatchCount);   // batches 2 and 3 of 4
        var served = new List<int>();
        foreach (var batch in loader.Epoch(0))
            using (batch) served.AddRange(batch.Indices);
        Assert.Equal([6, 7, 8, 9], served);
    }
}
