using System.Collections.Concurrent;
using System.Text.Json;
using Osprey.Tests.Distributed;
using Osprey.Training.Distributed;

namespace Osprey.Tests.Training.Distributed;

public class LocalLauncherTests
{
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(60);

    [Fact]
    public void NodesNumberTheirRanksAsTorchrun()
    {
        var plan = new LaunchPlan(3, nodes: 2, nodeRank: 1, masterAddr: "127.0.0.1", masterPort: 29600);
        Assert.Equal(6, plan.WorldSize);
        Assert.Equal([3, 4, 5], plan.LocalRanks().Select(r => r.Rank));
        Assert.Equal([0, 1, 2], plan.LocalRanks().Select(r => r.LocalRank));
        Assert.All(plan.LocalRanks(), r => Assert.Equal((6, 3, "127.0.0.1", 29600), (r.WorldSize, r.LocalWorldSize, r.MasterAddr, r.MasterPort)));
        Assert.Equal(1, new LaunchPlan(2).ThreadsPerRank(2));
        Assert.Equal(2, new LaunchPlan(3).ThreadsPerRank(8));
        Assert.Equal(1, new LaunchPlan(4).ThreadsPerRank(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LaunchPlan(2, nodes: 2, nodeRank: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LaunchPlan(0));
    }

    static (LaunchOutcome Outcome, ConcurrentQueue<(int Rank, string Line)> Lines) Launch(string scenario, string timeout)
    {
        var lines = new ConcurrentQueue<(int, string)>();
        var plan = new LaunchPlan(2, masterAddr: "127.0.0.1", masterPort: RankProcess.FreePort());
        var outcome = LocalLauncher.Run(plan, "dotnet", [RankProcess.WorkerDll, scenario, timeout], Grace, cores: 2,
            (rank, line) => lines.Enqueue((rank, line)));
        return (outcome, lines);
    }

    [Fact]
    public void TwoLocalRanksGetTorchrunsVariablesAndRunTheirCollectives()
    {
        var (outcome, lines) = Launch("collectives", "30");
        Assert.True(outcome.ExitCode == 0, $"{outcome.Failure}: {string.Join("\n", lines.Select(l => l.Line))}");
        Assert.Equal([0, 0], outcome.ExitCodes);
        Assert.Null(outcome.FailedRank);
        for (int rank = 0; rank < 2; rank++)
        {
            var own = lines.Where(l => l.Rank == rank).Select(l => l.Line).ToList();
            Assert.Contains($"ENV rank={rank} world=2 local_rank={rank} local_world=2 omp_threads=1", own);
            var result = own.Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            CollectiveExpectations.Check(JsonDocument.Parse(result[7..]).RootElement, 2, $"rank {rank}");
        }
    }

    [Fact]
    public void AKilledRankIsNamedAndItsPeerStopsWithItsOwnError()
    {
        var (outcome, lines) = Launch("crash", "5/60");
        Assert.Equal(1, outcome.FailedRank);
        Assert.Equal("rank 1 (local rank 1) exited with code 137 (killed by signal 9)", outcome.Failure);
        Assert.Equal(137, outcome.ExitCode);
        Assert.Equal(3, outcome.ExitCodes[0]);   // rank 0 failed by itself, within its timeout, before the grace ran out
        Assert.Contains(lines, l => l.Rank == 0 && l.Line.Contains("all_reduce (Sum, Tensor[3] float32) failed on rank 0 of 2"));
    }
}
