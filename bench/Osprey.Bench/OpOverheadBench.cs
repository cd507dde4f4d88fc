using System.Diagnostics;
using Osprey.Torch;

namespace Osprey.Bench;

/// <summary>
/// Workload 2: the fixed cost of one operator call on a 1x1 float tensor, in two styles:
/// <c>var y = x + x</c> with a TensorScope collecting results (one scope per <see cref="OpsPerScope"/> ops), and
/// <c>using var y = x.Add(x)</c> disposed at once. Each style runs <see cref="Rounds"/> rounds; the median
/// round gives microseconds per op (scope creation and disposal included), both wall time and process CPU
/// time (the loop is single-threaded, so CPU time is the less noisy figure when other work shares the cores).
/// </summary>
static class OpOverheadBench
{
    public const int Rounds = 5;
    public const int OpsPerScope = 1000;

    public static Dictionary<string, object> Run(int ops)
    {
        int perRound = Math.Max(OpsPerScope, ops / Rounds / OpsPerScope * OpsPerScope);
        using var x = Tensor.Ones([1, 1]);
        Scoped(x, perRound);
        Disposed(x, perRound);
        var scoped = new List<double>(Rounds);
        var disposed = new List<double>(Rounds);
        var scopedCpu = new List<double>(Rounds);
        var disposedCpu = new List<double>(Rounds);
        for (int r = 0; r < Rounds; r++)
        {
            double cpu = CpuClock.ProcessMilliseconds();
            scoped.Add(Scoped(x, perRound));
            scopedCpu.Add((CpuClock.ProcessMilliseconds() - cpu) * 1000 / perRound);
            cpu = CpuClock.ProcessMilliseconds();
            disposed.Add(Disposed(x, perRound));
            disposedCpu.Add((CpuClock.ProcessMilliseconds() - cpu) * 1000 / perRound);
        }
        return new()
        {
            ["ops_per_round"] = perRound,
            ["rounds"] = Rounds,
            ["add_scoped_us"] = Measure.Median(scoped),
            ["add_disposed_us"] = Measure.Median(disposed),
            ["add_scoped_cpu_us"] = Measure.Median(scopedCpu),
            ["add_disposed_cpu_us"] = Measure.Median(disposedCpu),
            ["gen0_collections"] = GC.CollectionCount(0),
        };
    }

    /// <summary>Microseconds per <c>x + x</c>, results owned by a scope per <see cref="OpsPerScope"/> ops.</summary>
    static double Scoped(Tensor x, int count)
    {
        long start = Stopwatch.GetTimestamp();
        for (int done = 0; done < count; done += OpsPerScope)
        {
            using var scope = TensorScope.Begin();
            for (int k = 0; k < OpsPerScope; k++)
            {
                var y = x + x;
            }
        }
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
    }

    /// <summary>Microseconds per <c>x.Add(x)</c> disposed right away, outside any scope.</summary>
    static double Disposed(Tensor x, int count)
    {
        long start = Stopwatch.GetTimestamp();
        for (int k = 0; k < count; k++)
        {
            using var y = x.Add(x);
        }
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
    }
}
