using Osprey.Models;
using Osprey.Torch.NN;
using Osprey.Training;

namespace Osprey.Tests.Training;

public class EmaAndGroupsTests
{
    [Fact]
    public void EmaFollowsTheDecayRampAndCopiesBuffers()
    {
        using var scope = TensorScope.Begin();
        using var model = new BatchNorm2d(2);
        using var ema = new ModelEma(model, new BatchNorm2d(2), decay: 0.9, tau: 2);
        using (var noGrad = Autograd.NoGrad())
        {
            model.Weight!.CopyFrom(Tensor.From(new float[] { 3, 5 }));
            model.GetBuffer("running_mean")!.CopyFrom(Tensor.From(new float[] { 7, 8 }));
        }
        ema.Update();
        double d = 0.9 * (1 - Math.Exp(-1 / 2.0));   // the ramp at update 1
        Assert.Equal(d, ema.CurrentDecay(1), 15);
        var w = ema.Model.GetParameter("weight")!.ToArray<float>();
        Assert.Equal((float)(d * 1 + (1 - d) * 3), w[0], 6);
        Assert.Equal((float)(d * 1 + (1 - d) * 5), w[1], 6);
        Assert.Equal(new float[] { 7, 8 }, ema.Model.GetBuffer("running_mean")!.ToArray<float>());
        Assert.Equal(1, ema.Updates);
        Assert.False(ema.Model.GetParameter("weight")!.RequiresGrad);
    }

    [Fact]
    public void NormsAndBiasesGetNoWeightDecay()
    {
        using var scope = TensorScope.Begin();
        using var model = ModelRegistry.Create("seresnet18", new ModelArgs(10, 1).With("width", "4").With("small_stem", "true"));
        var (decay, noDecay) = ParameterGroups.Split(model);
        var names = model.NamedParameters().ToDictionary(p => p.Tensor, p => p.Name);
        Assert.All(decay, t => Assert.True(names[t].EndsWith("weight") && t.Dim > 1, names[t]));
        Assert.All(noDecay, t => Assert.True(names[t].EndsWith("bias") || names[t].Contains("bn") || names[t].Contains("downsample.1"), names[t]));
        // 20 convolutions + fc + 16 SE linears decay; 20 BNs x 2 + fc bias do not.
        Assert.Equal(20 + 1 + 16, decay.Length);
        Assert.Equal(20 * 2 + 1, noDecay.Length);
        using var optimizer = ParameterGroups.CreateOptimizer(model, new TrainOptions { WeightDecay = 0.01 });
        Assert.Equal(0.01, optimizer.ParamGroups[0].Options!.WeightDecay);
        Assert.Equal(0.0, optimizer.ParamGroups[1].Options!.WeightDecay);
    }
}
