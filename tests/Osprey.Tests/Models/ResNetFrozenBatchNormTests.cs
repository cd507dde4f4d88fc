using Osprey.Models.Backbones;
using Osprey.Torch.NN;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Models;

/// <summary>ResNetOptions.FrozenBatchNorm: same state-dict names (minus num_batches_tracked), the norm terms become
/// buffers, and in eval mode the network computes what the BatchNorm2d one does with the same weights.</summary>
public class ResNetFrozenBatchNormTests
{
    [Fact]
    public void FrozenResNetHoldsNormTermsAsBuffersAndMatchesEvalModeBatchNorm()
    {
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(3);
        using var plain = new ResNet(new ResNetOptions { Depth = 18, NumClasses = 10 });
        using var frozen = new ResNet(new ResNetOptions { Depth = 18, NumClasses = 10, FrozenBatchNorm = true });
        Assert.All(frozen.Modules().Where(m => m.TypeName.Contains("BatchNorm")), m => Assert.IsType<FrozenBatchNorm2d>(m));
        Assert.Equal(plain.StateDictKeys().Where(k => !k.EndsWith("num_batches_tracked")), frozen.StateDictKeys());
        long normTerms = plain.Modules().OfType<BatchNorm2d>().Sum(bn => 2 * bn.NumFeatures);
        Assert.Equal(plain.Parameters().Sum(p => p.NumEl) - normTerms, frozen.Parameters().Sum(p => p.NumEl));
        Assert.Equal(2 * normTerms, frozen.Buffers().Sum(b => b.NumEl));

        using (Autograd.NoGrad())
            foreach (var bn in plain.Modules().OfType<BatchNorm2d>())
            {
                bn.RunningMean!.CopyFrom(Tensor.Randn([bn.NumFeatures]) * 0.1);
                bn.RunningVar!.CopyFrom(Tensor.Rand([bn.NumFeatures]) + 0.5);
                bn.Weight!.CopyFrom(Tensor.Rand([bn.NumFeatures]) + 0.5);
                bn.Bias!.CopyFrom(Tensor.Randn([bn.NumFeatures]) * 0.1);
            }
        var report = frozen.LoadStateDict(plain.StateDict(), strict: true);
        Assert.True(report.IsClean, report.ToString());
        plain.Eval();
        frozen.Train(); // frozen statistics in either mode
        using var noGrad = Autograd.NoGrad();
        var input = Tensor.Randn([2, 3, 64, 64]);
        Expect.Close(plain.Call(input), frozen.Call(input), 1e-5, 1e-5, "frozen vs eval-mode BatchNorm");
    }
}
