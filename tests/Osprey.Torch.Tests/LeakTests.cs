using Osprey.Torch.NN;

namespace Osprey.Torch.Tests;

/// <summary>A training loop inside per-step scopes leaves no tensor behind.</summary>
public class LeakTests
{
    [Fact]
    public void TwoHundredConvNetTrainingStepsLeaveLiveCountsUnchanged()
    {
        LibTorch.ManualSeed(0);
        var w1 = (Tensor.Randn([8, 3, 3, 3]) * 0.2).DetachFromScope().RequiresGrad_();
        var w2 = (Tensor.Randn([10, 8]) * 0.2).DetachFromScope().RequiresGrad_();
        var gamma = Tensor.Ones([8]).DetachFromScope().RequiresGrad_();
        var runningMean = Tensor.Zeros([8]).DetachFromScope();
        var runningVar = Tensor.Ones([8]).DetachFromScope();
        var x = Tensor.Randn([4, 3, 16, 16]).DetachFromScope();
        var target = Tensor.From(new long[] { 1, 3, 5, 7 }).DetachFromScope();
        Tensor[] parameters = [w1, w2, gamma];

        double firstLoss = 0, lastLoss = 0;
        long live = 0, native = 0;
        for (int step = 0; step < 200; step++)
        {
            if (step == 1) (live, native) = (Tensor.LiveCount, Tensor.NativeLiveCount);
            using var scope = TensorScope.Begin();
            var h = Functional.Conv2d(x, w1, null, stride: 1, padding: 1);
            h = Functional.Relu(Functional.BatchNorm(h, runningMean, runningVar, gamma, null, training: true));
            var logits = Functional.Linear(Functional.AdaptiveAvgPool2d(h, 1).Flatten(1), w2);
            var loss = Functional.CrossEntropy(logits, target);
            loss.Backward();
            using (Autograd.NoGrad())
            {
                foreach (var p in parameters)
                {
                    p.SubInPlace(p.Grad!, alpha: 0.1);
                    p.ClearGrad();
                }
            }
            if (step == 0) firstLoss = loss.Item<double>();
            lastLoss = loss.Item<double>();
        }

        Assert.Equal(live, Tensor.LiveCount);
        Assert.Equal(native, Tensor.NativeLiveCount);
        Assert.True(lastLoss < firstLoss * 0.5, $"loss went from {firstLoss} to {lastLoss}: the loop did not train");
        foreach (var t in new[] { w1, w2, gamma, runningMean, runningVar, x, target }) t.Dispose();
    }
}
