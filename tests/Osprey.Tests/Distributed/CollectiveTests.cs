namespace Osprey.Tests.Distributed;

/// <summary>Osprey ranks as separate processes over c10d's Gloo group: every collective's result, exactly.</summary>
public class CollectiveTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryRankGetsTheReducedBroadcastAndGatheredValues(int world)
    {
        var port = RankProcess.FreePort();
        var ranks = Enumerable.Range(0, world).Select(r => RankProcess.Worker(r, world, port, "collectives", "30")).ToList();
        try
        {
            foreach (var rank in ranks) CollectiveExpectations.Check(rank.Result(Bound), world, rank.Name);
        }
        finally
        {
            foreach (var rank in ranks) rank.Dispose();
        }
    }
}
