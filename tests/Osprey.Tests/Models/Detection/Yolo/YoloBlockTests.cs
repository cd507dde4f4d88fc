using Osprey.Models.Layers;
using Osprey.Torch.NN;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Models.Detection.Yolo;

/// <summary>Block details that the model-level tests do not pin down: initialization and fusion.</summary>
public class YoloBlockTests
{
    [Fact]
    public void SeamInitIsTheSeeds()
    {
        LibTorch.ManualSeed(3);
        using var seam = new Seam(64, 64, 1);
        using var scope = TensorScope.Begin();
        foreach (var (key, w) in seam.NamedParameters().Where(p => p.Name.EndsWith("weight") && p.Tensor.Dim == 4))
        {
            var (fanIn, fanOut) = Init.CalculateFanInAndFanOut(w);
            var bound = Math.Sqrt(6.0 / (fanIn + fanOut)); // xavier_uniform_, gain 1
            Assert.True(w.Abs().Max().Item<float>() <= bound, $"{key} exceeds the Xavier bound");
            Assert.InRange(w.Std().Item<float>(), 0.8 * bound / Math.Sqrt(3), 1.2 * bound / Math.Sqrt(3));
        }
        // The seed's normal(0, 0.001) re-init targets the fc Sequential, which is not a Linear: PyTorch's default stays.
        var fc0 = seam.GetParameter("fc.0.weight")!;
        Assert.InRange(fc0.Std().Item<float>(), 0.8 / Math.Sqrt(64 * 3), 1.2 / Math.Sqrt(64 * 3));
        Assert.Equal(1f, seam.GetParameter("DCovN.0.0.fn.2.weight")!.Min().Item<float>());
        Assert.Equal(["DCovN", "avg_pool", "fc"], seam.NamedChildren().Select(c => c.Name));
    }

    [Fact]
    public void ConvUsesUltralyticsBatchNormAndFoldsIt()
    {
        using var conv = new ConvBnAct(8, 16, new SiLU(), k: 3, s: 2);
        var bn = (BatchNorm2d)conv.GetModule("bn");
        Assert.Equal((1e-3, 0.03), (bn.Eps, bn.Momentum!.Value));
        Assert.Equal("Conv2d(8, 16, kernel_size=3, stride=2, padding=1, bias=False)", conv.Conv.ToString());
        using var scope = TensorScope.Begin();
        using (Autograd.NoGrad())
        {
            bn.RunningMean!.CopyFrom(Tensor.Randn([16]));
            bn.RunningVar!.CopyFrom(Tensor.Rand([16]).Add(0.5));
            bn.Weight!.CopyFrom(Tensor.Randn([16]));
            bn.Bias!.CopyFrom(Tensor.Randn([16]));
        }
        conv.Eval();
        var x = Tensor.Randn([2, 8, 9, 9]);
        var before = conv.Call(x);
        conv.Fuse();
        Assert.True(conv.IsFused);
        Assert.Equal(["conv.weight", "conv.bias"], conv.StateDictKeys());
        Assert.False(conv.Conv.Weight.RequiresGrad);
        Expect.Close(before, conv.Call(x), 1e-5, 1e-5, "fused conv");
    }
}
