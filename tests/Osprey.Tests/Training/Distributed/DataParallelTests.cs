using System.Text.Json;
using Osprey.Tests.Distributed;
using Osprey.Torch.Distributed;
using Osprey.Torch.NN;
using Osprey.Training.Distributed;

namespace Osprey.Tests.Training.Distributed;

public class DataParallelTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    static readonly string[] Parameters = ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "spare.weight", "spare.bias"];

    static JsonElement Train(int world, int steps, int globalBatch)
    {
        var port = RankProcess.FreePort();
        var ranks = Enumerable.Range(0, world)
            .Select(r => RankProcess.Worker(r, world, port, "train", "30", $"{steps}", $"{globalBatch}", "256")).ToList();
        try
        {
            var results = ranks.Select(r => r.Result(Bound)).ToList();
            foreach (var name in Parameters)
                for (int r = 1; r < world; r++)   // the same steps from the same weights: identical on every rank
                    Assert.Equal(Values(results[0], name), Values(results[r], name));
            return results[0];
        }
        finally
        {
            foreach (var r in ranks) r.Dispose();
        }
    }

    static float[] Values(JsonElement result, string name) => result.GetProperty(name).EnumerateArray().Select(e => e.GetSingle()).ToArray();

    /// <summary>
    /// 2 processes x batch 4 give the weights of 1 process x batch 8 after 20 SGD steps (momentum, weight decay, four
    /// epochs of reshuffling) within 1e-5: the ranks start from different seeds, so this also checks the broadcast.
    /// </summary>
    [Fact]
    public void TwoRanksOfBatchFourMatchOneRankOfBatchEight()
    {
        var initial = Train(1, 0, 8);
        var single = Train(1, 20, 8);
        var pair = Train(2, 20, 8);
        Assert.Equal(4, pair.GetProperty("collectives_per_step").GetInt32());   // 3 buckets of 256 bytes + the presence check
        Assert.False(pair.GetProperty("spare_has_grad").GetBoolean());
        foreach (var name in Parameters)
        {
            var (a, b) = (Values(single, name), Values(pair, name));
            var worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(worst <= 1e-5, $"{name}: 2 ranks differ from 1 rank by {worst}");
        }
        var moved = Values(initial, "fc1.weight").Zip(Values(single, "fc1.weight"), (x, y) => Math.Abs(x - y)).Max();
        Assert.True(moved > 1e-2, $"training moved fc1.weight by only {moved}");
        Assert.Equal(Values(initial, "spare.weight"), Values(pair, "spare.weight"));   // no gradient anywhere: never stepped
    }

    [Fact]
    public void BucketsKeepOneDtypeAndTheCap()
    {
        using var scope = TensorScope.Begin();
        var tensors = new[]
        {
            Tensor.Zeros([10]), Tensor.Zeros([10]), Tensor.Zeros([3], DType.Float64), Tensor.Zeros([100]), Tensor.Zeros([5]),
        };
        var buckets = GradientBuckets.Split(tensors, 80);   // 40 + 40 bytes fit; 400 bytes alone; 20 bytes a new bucket
        Assert.Equal([[0, 1], [2], [3], [4]], buckets.Select(b => b.Select(t => Array.IndexOf(tensors, t)).ToArray()).ToArray());
    }

    [Fact]
    public void AWorldOfOneKeepsGradientsAndLeavesAbsentOnesAbsent()
    {
        var before = Tensor.LiveCount;
        using (var group = ProcessGroup.Create(0, 1, "127.0.0.1", RankProcess.FreePort(), TimeSpan.FromSeconds(10)))
        using (var used = new Linear(3, 2))
        using (var scope = TensorScope.Begin())
        {
            var parallel = new DataParallel(group, used);
            used.Weight.Grad = Tensor.From([1f, 2, 3, 4, 5, 6], 2, 3);
            parallel.AverageGradients();
            Assert.Equal([1f, 2, 3, 4, 5, 6], used.Weight.Grad!.ToArray<float>());
            Assert.Null(used.Bias!.Grad);
            Assert.Equal(2, parallel.LastCollectives);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }
}
