using Osprey.Tests.Distributed;
using Osprey.Torch.Distributed;

namespace Osprey.Tests.Training.Distributed;

/// <summary>
/// A world of ranks on threads of this process, each with its own Gloo group over one TCPStore on 127.0.0.1: for
/// code that takes a <see cref="ProcessGroup"/> and needs no process of its own. Bounded by the group timeout.
/// </summary>
public static class InProcessRanks
{
    public static T[] Run<T>(int world, Func<ProcessGroup, T> body)
    {
        var port = RankProcess.FreePort();
        var timeout = TimeSpan.FromSeconds(20);
        var tasks = Enumerable.Range(0, world).Select(rank => Task.Factory.StartNew(() =>
        {
            using var group = ProcessGroup.Create(rank, world, "127.0.0.1", port, timeout);
            var result = body(group);
            group.Barrier();   // rank 0 hosts the store: nobody leaves before everybody is done
            return result;
        }, TaskCreationOptions.LongRunning)).ToArray();
        Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(120)), "in-process ranks outlived 120 s");
        return tasks.Select(t => t.Result).ToArray();
    }
}
