namespace Osprey.Tests.Distributed;

/// <summary>
/// Osprey ranks and a Python torch.distributed rank (Debian's PyTorch 1.13.1, init_process_group("gloo",
/// init_method="tcp://127.0.0.1:PORT")) in one group: the same engine on both sides, whichever hosts the store.
/// </summary>
public class InteropTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [TorchPythonTheory]
    [InlineData(2, 1)]   // Osprey rank 0 hosts the TCPStore
    [InlineData(2, 0)]   // Python rank 0 hosts it
    [InlineData(3, 1)]   // Osprey, Python, Osprey
    public void PythonAndOspreyRanksShareOneGlooGroup(int world, int pythonRank)
    {
        var port = RankProcess.FreePort();
        var ranks = Enumerable.Range(0, world)
            .Select(r => r == pythonRank ? RankProcess.Python(r, world, port, 30) : RankProcess.Worker(r, world, port, "collectives", "30"))
            .ToList();
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
