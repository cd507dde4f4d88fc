using Osprey.Torch;
using Osprey.Torch.Distributed;

namespace Osprey.Distributed.Worker;

/// <summary>A peer that stops taking part (killed or stalled) and a survivor whose next collective must fail.</summary>
public static class FaultScenario
{
    const string Joined = "JOINED";

    /// <summary>Passes the first barrier, then takes part in nothing until killed (bounded: it leaves after two minutes).</summary>
    public static object Hold(ProcessGroup group)
    {
        group.Barrier();
        Console.WriteLine(Joined);
        Thread.Sleep(TimeSpan.FromMinutes(2));
        return "held";
    }

    /// <summary>The last rank kills itself (SIGKILL) after the first barrier; the others all-reduce without it and throw.</summary>
    public static object Crash(ProcessGroup group)
    {
        if (group.Rank == group.WorldSize - 1)
        {
            group.Barrier();
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }
        return Survive(group);
    }

    /// <summary>Passes the first barrier, then all-reduces with a peer that does not come: throws.</summary>
    public static object Survive(ProcessGroup group)
    {
        group.Barrier();
        Console.WriteLine(Joined);
        using var scope = TensorScope.Begin();
        var t = Tensor.From([1f, 2f, 3f]);
        group.AllReduce(t);
        return t.ToArray<float>();
    }
}
