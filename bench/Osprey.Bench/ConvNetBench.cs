using Osprey.Torch;

namespace Osprey.Bench;

/// <summary>Workload 1: forward + backward of <see cref="ConvNet"/> on a fixed batch, one TensorScope per step.</summary>
static class ConvNetBench
{
    public const int Batch = 16;

    public static Dictionary<string, object> Run(int warmup, int steps)
    {
        double rssBefore = ProcessFacts.StatusMiB("VmRSS");
        using var net = new ConvNet(seed: 0);
        using var input = Tensor.Randn([Batch, 3, 32, 32]);
        using var target = Tensor.Randint(0, 10, [Batch]);

        double firstLoss = double.NaN;
        var times = new List<double>(steps);
        var forwardTimes = new List<double>(steps);
        var cpuTimes = new List<double>(steps);
        var liveAfterStep = new List<long>(steps);
        var nativeLiveAfterStep = new List<long>(steps);
        for (int k = 0; k < warmup + steps; k++)
        {
            double forwardMs = 0;
            double cpuStart = CpuClock.ProcessMilliseconds();
            double ms = Measure.Milliseconds(() =>
            {
                using (var scope = TensorScope.Begin())
                {
                    Tensor? loss = null;
                    forwardMs = Measure.Milliseconds(() => loss = net.Loss(input, target));
                    loss!.Backward();
                    if (double.IsNaN(firstLoss)) firstLoss = loss.Item<float>();
                }
                foreach (var p in net.Parameters) p.ClearGrad();
            });
            double cpuMs = CpuClock.ProcessMilliseconds() - cpuStart;
            if (k < warmup) continue;
            times.Add(ms);
            cpuTimes.Add(cpuMs);
            forwardTimes.Add(forwardMs);
            liveAfterStep.Add(Tensor.LiveCount);
            nativeLiveAfterStep.Add(Tensor.NativeLiveCount);
        }

        return new()
        {
            ["batch"] = Batch,
            ["warmup"] = warmup,
            ["steps"] = steps,
            ["ms_per_step_median"] = Measure.Median(times),
            ["ms_per_step_min"] = times.Min(),
            ["ms_per_step_max"] = times.Max(),
            ["cpu_ms_per_step_median"] = Measure.Median(cpuTimes),
            ["forward_ms_median"] = Measure.Median(forwardTimes),
            ["first_loss"] = firstLoss,
            ["rss_before_mib"] = rssBefore,
            ["peak_rss_mib"] = ProcessFacts.StatusMiB("VmHWM"),
            ["live_tensors_first_step"] = liveAfterStep[0],
            ["live_tensors_last_step"] = liveAfterStep[^1],
            ["live_tensors_flat"] = liveAfterStep.All(n => n == liveAfterStep[0]),
            ["native_live_tensors_first_step"] = nativeLiveAfterStep[0],
            ["native_live_tensors_last_step"] = nativeLiveAfterStep[^1],
            ["native_live_tensors_flat"] = nativeLiveAfterStep.All(n => n == nativeLiveAfterStep[0]),
        };
    }
}
