using Osprey.Torch.NN;
using Osprey.Training.Distributed;

namespace Osprey.Tests.Training.Distributed;

public class RankReduceTests
{
    [Fact]
    public void CountsAreSummedAndTheBoxNormaliserAveraged()
    {
        var results = InProcessRanks.Run(2, group =>
            (Sum: RankReduce.Sum(group, 3 + group.Rank, 0.5, 1e15 + group.Rank), Boxes: RankReduce.MeanBoxCount(group, group.Rank == 0 ? 0 : 5)));
        foreach (var (sum, boxes) in results)
        {
            Assert.Equal([7, 1, 2e15 + 1], sum);
            Assert.Equal(2.5, boxes);
        }
        Assert.Equal(1, RankReduce.MeanBoxCount(null, 0));   // clamped at one, as the official DETR code
        Assert.Equal([4.0], RankReduce.Sum(null, 4));
    }

    [Fact]
    public void AGradientMissingOnOneRankCountsAsZeroThere()
    {
        var results = InProcessRanks.Run(2, group =>
        {
            using var layer = new Linear(2, 1);
            using var scope = TensorScope.Begin();
            layer.Weight.Grad = Tensor.From([2f + 4 * group.Rank, -6f], 1, 2);
            if (group.Rank == 1) layer.Bias!.Grad = Tensor.From([8f]);   // a branch only rank 1 took
            new DataParallel(group, layer).AverageGradients();
            return (Weight: layer.Weight.Grad!.ToArray<float>(), Bias: layer.Bias!.Grad!.ToArray<float>());
        });
        foreach (var (weight, bias) in results)
        {
            Assert.Equal([4f, -6f], weight);
            Assert.Equal([4f], bias);
        }
    }
}
