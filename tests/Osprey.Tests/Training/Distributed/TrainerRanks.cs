using Osprey.Tests.Distributed;
using Osprey.Torch.Distributed;

namespace Osprey.Tests.Training.Distributed;

/// <summary>
/// The ranks of a data-parallel run as threads of this process, each with its own torchrun-style environment on
/// 127.0.0.1 (the real <see cref="Osprey.Training.Trainer"/> joins the group from it). Bounded.
/// </summary>
public static class TrainerRanks
{
    public static T[] Run<T>(int world, Func<LaunchEnvironment, T> body)
    {
        var port = RankProcess.FreePort();
        var tasks = Enumerable.Range(0, world).Select(rank => Task.Factory.StartNew(
            () => body(new LaunchEnvironment(rank, world, rank, world, "127.0.0.1", port)), TaskCreationOptions.LongRunning)).ToArray();
        Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(300)), "the ranks outlived 300 s");
        return tasks.Select(t => t.Result).ToArray();
    }
}
