using Osprey.Torch.Distributed;

namespace Osprey.Tests.Distributed;

/// <summary>The group in this process: a world of one, bad arguments, and a rendezvous nobody else joins.</summary>
public class ProcessGroupTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public void AWorldOfOneReducesToItselfAndGathersOneRow()
    {
        var before = Tensor.LiveCount;
        using (var group = ProcessGroup.Create(0, 1, "127.0.0.1", RankProcess.FreePort(), TimeSpan.FromSeconds(10)))
        using (var scope = TensorScope.Begin())
        {
            var t = Tensor.From([1f, -2f, 3.5f]);
            group.AllReduce(t, ReduceOp.Avg);
            Assert.Equal([1f, -2f, 3.5f], t.ToArray<float>());
            var gathered = group.AllGather(Tensor.From([4L, 5L], 2, 1));
            Assert.Equal([1L, 2, 1], gathered.Shape);
            Assert.Equal([4L, 5], gathered.ToArray<long>());
            group.Broadcast([t, Tensor.From([7f])], root: 0);
            group.Barrier();
            Assert.Throws<ArgumentOutOfRangeException>(() => group.Broadcast(t, root: 1));
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void MixedDtypesInOneBucketAreRefusedByName()
    {
        using var group = ProcessGroup.Create(0, 1, "127.0.0.1", RankProcess.FreePort(), TimeSpan.FromSeconds(10));
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<DistributedException>(() => group.AllReduce([Tensor.From([1f]), Tensor.From([1L])]));
        Assert.Contains("tensors of one collective must share a dtype", e.Message);
    }

    [Theory]
    [InlineData(-1, 2)]
    [InlineData(2, 2)]
    [InlineData(0, 0)]
    public void RankOutsideTheWorldIsRefused(int rank, int world) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ProcessGroup.Create(rank, world, "127.0.0.1", 29500, TimeSpan.FromSeconds(1)));

    [Theory]
    [InlineData(0)]   // hosts the store, nobody connects
    [InlineData(1)]   // connects to a store nobody hosts
    public void ARendezvousNobodyJoinsFailsWithinTheTimeout(int rank)
    {
        var port = RankProcess.FreePort();
        var join = Task.Run(() => ProcessGroup.Create(rank, 2, "127.0.0.1", port, TimeSpan.FromSeconds(2)));
        Assert.True(((IAsyncResult)join).AsyncWaitHandle.WaitOne(Bound), $"the rendezvous outlived {Bound.TotalSeconds} s");
        var e = Assert.Throws<DistributedException>(() => join.GetAwaiter().GetResult());
        Assert.Contains($"rank {rank} of 2 could not join the process group at 127.0.0.1:{port}", e.Message);
    }
}
