using Osprey.Torch;

namespace Osprey.Bench;

/// <summary>Workload 3: an n x n float32 matrix product (aten::mm), GFLOP/s = 2 n^3 / time, median of several.</summary>
static class MatmulBench
{
    public static Dictionary<string, object> Run(int n, int warmup, int reps)
    {
        LibTorch.ManualSeed(1);
        using var a = Tensor.Randn([n, n]);
        using var b = Tensor.Randn([n, n]);
        var times = new List<double>(reps);
        for (int k = 0; k < warmup + reps; k++)
        {
            double ms = Measure.Milliseconds(() =>
            {
                using var c = a.Mm(b);
            });
            if (k >= warmup) times.Add(ms);
        }
        double median = Measure.Median(times);
        return new()
        {
            ["n"] = n,
            ["reps"] = reps,
            ["ms_median"] = median,
            ["gflops_median"] = 2.0 * n * n * (double)n / (median / 1000) / 1e9,
            ["gflops_best"] = 2.0 * n * n * (double)n / (times.Min() / 1000) / 1e9,
        };
    }
}
