namespace Osprey.Tests.Distributed;

/// <summary>
/// A rank that dies or stalls makes its peer's collective fail with a message within the group's timeout (5 s here),
/// instead of hanging. The bounds below are generous ceilings for process start-up, not timings.
/// </summary>
public class FaultTests
{
    const string Timeout = "5/60";   // 5 s for each collective, 60 s for slow-starting ranks to join
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(0)]   // the survivor hosts the store
    [InlineData(1)]   // the killed rank hosts it
    public void KilledPeerFailsTheSurvivorsAllReduce(int survivorRank)
    {
        var port = RankProcess.FreePort();
        using var survivor = RankProcess.Worker(survivorRank, 2, port, "survive", Timeout);
        using var victim = RankProcess.Worker(1 - survivorRank, 2, port, "hold", Timeout);
        victim.WaitForLine("JOINED", Bound);
        survivor.WaitForLine("JOINED", Bound);
        victim.Kill();

        Assert.Equal(3, survivor.WaitForExit(Bound));
        Assert.Contains($"all_reduce (Sum, Tensor[3] float32) failed on rank {survivorRank} of 2", survivor.Errors);
        // Gloo names the lost peer by how the socket saw it go: EOF on read, ECONNRESET, or EPIPE on write.
        Assert.Matches("Connection closed by peer|Connection reset by peer|Broken pipe", survivor.Errors);
    }

    [Fact]
    public void StalledPeerTimesOutTheSurvivorsAllReduce()
    {
        var port = RankProcess.FreePort();
        using var survivor = RankProcess.Worker(0, 2, port, "survive", Timeout);
        using var stalled = RankProcess.Worker(1, 2, port, "hold", Timeout);

        Assert.Equal(3, survivor.WaitForExit(Bound));
        Assert.Contains("all_reduce (Sum, Tensor[3] float32) failed on rank 0 of 2", survivor.Errors);
        Assert.Contains("Timed out waiting 5000ms", survivor.Errors);
    }
}
