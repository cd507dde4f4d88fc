using Osprey.Data;

namespace Osprey.Tests.Data;

public class DistributedSamplerTests
{
    sealed class Indices(int count) : IDataset<Sample>
    {
        public int Count => count;
        public Sample Get(int index) => new(Tensor.From(new byte[] { (byte)index }, 1, 1, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void EpochOrderIsTheOrderTheLoaderServes(int epoch)
    {
        var loader = new DataLoader(new Indices(37), null, new LoaderOptions { Seed = 11, BatchSize = 4 });
        Assert.Equal(loader.Order(epoch), DistributedSampler.EpochOrder(37, 11, epoch, shuffle: true));
    }

    [Fact]
    public void OrderDependsOnSeedAndEpochOnly()
    {
        Assert.Equal(DistributedSampler.EpochOrder(50, 3, 2, true), DistributedSampler.EpochOrder(50, 3, 2, true));
        Assert.NotEqual(DistributedSampler.EpochOrder(50, 3, 2, true), DistributedSampler.EpochOrder(50, 3, 3, true));
        Assert.NotEqual(DistributedSampler.EpochOrder(50, 3, 2, true), DistributedSampler.EpochOrder(50, 4, 2, true));
        Assert.Equal(Enumerable.Range(0, 50), DistributedSampler.EpochOrder(50, 3, 2, false));
    }

    // torch.utils.data.DistributedSampler(range(10), num_replicas=4, shuffle=False): padded with the head to 12, strided.
    [Theory]
    [InlineData(0, false, new[] { 0, 4, 8 })]
    [InlineData(1, false, new[] { 1, 5, 9 })]
    [InlineData(2, false, new[] { 2, 6, 0 })]
    [InlineData(3, false, new[] { 3, 7, 1 })]
    [InlineData(3, true, new[] { 3, 7 })]
    public void ShardsAsTorchsDistributedSampler(int rank, bool dropTail, int[] expected) =>
        Assert.Equal(expected, new DistributedSampler(rank, 4, dropTail).Shard(Enumerable.Range(0, 10).ToArray()));

    [Fact]
    public void PaddingRepeatsTheOrderWhenTheWorldOutnumbersTheSamples() =>
        Assert.Equal([7, 1, 2, 7, 1], Enumerable.Range(0, 5).SelectMany(r => new DistributedSampler(r, 5).Shard([7, 1, 2])));

    [Theory]
    [InlineData(48, 12)]   // the global batch divides the dataset
    [InlineData(50, 12)]   // a partial last batch
    [InlineData(48, 24)]
    public void EveryWorldSizeStepsThroughTheSameGlobalBatches(int count, int globalBatch)
    {
        var order = DistributedSampler.EpochOrder(count, 5, 1, true);
        var single = new DistributedSampler(0, 1).Batches(order, globalBatch);
        foreach (var world in new[] { 2, 3, 4, 6 })
        {
            var perRank = DistributedSampler.PerRankBatch(globalBatch, world);
            var ranks = Enumerable.Range(0, world).Select(r => new DistributedSampler(r, world).Batches(order, perRank)).ToList();
            Assert.All(ranks, r => Assert.Equal(single.Length, r.Length));
            for (int step = 0; step < single.Length; step++)
            {
                var together = ranks.SelectMany(r => r[step]).Order().ToArray();
                if (count % world == 0) Assert.Equal(single[step].Order(), together);
                else if (step < single.Length - 1) Assert.Equal(single[step].Order(), together);
            }
            var all = ranks.SelectMany(r => r.SelectMany(b => b)).ToList();
            Assert.Equal(Enumerable.Range(0, count), all.Distinct().Order());   // every sample served
        }
    }

    [Fact]
    public void RanksShareNoSampleWhenTheWorldDividesTheDataset()
    {
        var order = DistributedSampler.EpochOrder(60, 9, 0, true);
        var shards = Enumerable.Range(0, 4).Select(r => new DistributedSampler(r, 4).Shard(order)).ToList();
        Assert.All(shards, s => Assert.Equal(15, s.Length));
        Assert.Equal(60, shards.SelectMany(s => s).Distinct().Count());
    }

    [Fact]
    public void BadWorldsAndBatchesAreRefusedByName()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedSampler(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedSampler(0, 0));
        var e = Assert.Throws<ArgumentException>(() => DistributedSampler.PerRankBatch(10, 4));
        Assert.Contains("batch 10 is not a multiple of the world size 4", e.Message);
        Assert.Throws<ArgumentException>(() => new DistributedSampler(0, 4, dropTail: true).Shard([1, 2, 3]));
    }
}
