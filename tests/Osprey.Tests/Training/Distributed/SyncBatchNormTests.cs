using Osprey.Torch.Distributed;
using Osprey.Torch.NN;

namespace Osprey.Tests.Training.Distributed;

/// <summary>
/// Against tests/fixtures/sync_batch_norm.safetensors (tools/reference/sync_batch_norm_reference.py): two ranks of a
/// synchronized BatchNorm2d, holding 3 and 2 of the 5 images, compute what torch.nn.SyncBatchNorm defines (BatchNorm2d
/// over the whole batch) within 1e-5 of the scale: outputs, input gradients, weight and bias gradients summed over
/// the ranks, and the running statistics on every rank.
/// </summary>
public class SyncBatchNormTests
{
    static readonly string[] Compared = ["y", "grad_x", "grad_weight", "grad_bias", "running_mean_after", "running_var_after"];

    [Fact]
    public void TwoRanksEqualBatchNormOverTheWholeBatch()
    {
        var results = InProcessRanks.Run(2, group =>
        {
            using var scope = TensorScope.Begin();
            var f = Fixture.Load("sync_batch_norm");
            var (start, count) = group.Rank == 0 ? (0, 3) : (3, 2);
            using var bn = new BatchNorm2d(4, momentum: 0.1);
            using (Autograd.NoGrad())
            {
                bn.Weight!.CopyFrom(f["weight"]);
                bn.Bias!.CopyFrom(f["bias"]);
                bn.RunningMean!.CopyFrom(f["running_mean"]);
                bn.RunningVar!.CopyFrom(f["running_var"]);
            }
            Assert.Equal(1, SyncBatchNorm.Convert(bn, group));
            var x = f["x"].Narrow(0, start, count).Contiguous().RequiresGrad_();
            var y = bn.Call(x);
            y.Backward(f["dy"].Narrow(0, start, count).Contiguous());
            return new Dictionary<string, float[]>
            {
                ["y"] = y.ToArray<float>(), ["grad_x"] = x.Grad!.ToArray<float>(),
                ["grad_weight"] = bn.Weight!.Grad!.ToArray<float>(), ["grad_bias"] = bn.Bias!.Grad!.ToArray<float>(),
                ["running_mean_after"] = bn.RunningMean!.ToArray<float>(), ["running_var_after"] = bn.RunningVar!.ToArray<float>(),
                ["tracked"] = [bn.NumBatchesTracked!.Item<long>()],
            };
        });
        using var outer = TensorScope.Begin();
        var fixture = Fixture.Load("sync_batch_norm");
        foreach (var name in Compared)
        {
            float[] actual = name switch
            {
                "y" or "grad_x" => [.. results[0][name], .. results[1][name]],   // rank order is batch order
                "grad_weight" or "grad_bias" => results[0][name].Zip(results[1][name], (a, b) => a + b).ToArray(),
                _ => results[0][name],
            };
            var expected = fixture[name];
            Expect.Close(expected, Tensor.From(actual).View(expected.Shape), 1e-5, 1e-6, name);
        }
        Assert.Equal(results[0]["running_mean_after"], results[1]["running_mean_after"]);
        Assert.Equal(results[0]["running_var_after"], results[1]["running_var_after"]);
        Assert.Equal([1f], results[1]["tracked"]);
    }

    [Fact]
    public void EvalModeAndAWorldOfOneArePlainBatchNorm()
    {
        var outputs = InProcessRanks.Run(1, group =>
        {
            using var scope = TensorScope.Begin();
            var f = Fixture.Load("sync_batch_norm");
            using var bn = new BatchNorm2d(4, momentum: 0.1);
            using (Autograd.NoGrad())
            {
                bn.Weight!.CopyFrom(f["weight"]);
                bn.Bias!.CopyFrom(f["bias"]);
            }
            SyncBatchNorm.Convert(bn, group);
            return bn.Call(f["x"]).ToArray<float>();
        });
        using var outer = TensorScope.Begin();
        var fixture = Fixture.Load("sync_batch_norm");
        Expect.Close(fixture["y"], Tensor.From(outputs[0]).View(fixture["y"].Shape), 1e-5, 1e-6, "world of one");
    }
}
