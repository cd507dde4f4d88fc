using Osprey.Torch.NN;
using Osprey.Torch.Optim;
using Osprey.Training;
using Osprey.Training.Distributed;

namespace Osprey.Tests.Training.Distributed;

public class DataParallelStepsTests
{
    /// <summary>Clipping to norm 1 after averaging: rank gradients (6, 0) and (0, 8) average to (3, 4), norm 5.</summary>
    [Fact]
    public void TheInnerPolicyClipsAndStepsTheAveragedGradient()
    {
        var results = InProcessRanks.Run(2, group =>
        {
            using var layer = new Linear(2, 1, bias: false);
            using var optimizer = new Sgd(layer.Parameters(), new SgdOptions { Lr = 1 });
            var scheduler = new LrScheduler(optimizer, new ConstantSchedule());
            var steps = new DataParallelSteps(new ScheduledSteps(optimizer, scheduler, gradClip: 1), new DataParallel(group, layer));
            using var scope = TensorScope.Begin();
            using (Autograd.NoGrad()) layer.Weight.CopyFrom(Tensor.Zeros([1, 2]));
            layer.Weight.Grad = group.Rank == 0 ? Tensor.From([6f, 0f], 1, 2) : Tensor.From([0f, 8f], 1, 2);
            steps.BeforeBatch(0);
            var stepped = steps.AfterBackward(0);
            return (stepped, Weight: layer.Weight.ToArray<float>(), Grad: layer.Weight.Grad);
        });
        foreach (var (stepped, weight, grad) in results)
        {
            Assert.True(stepped);
            Assert.Null(grad);   // zeroed after the step
            Assert.Equal(-0.6f, weight[0], 1e-6f);
            Assert.Equal(-0.8f, weight[1], 1e-6f);
        }
    }
}
