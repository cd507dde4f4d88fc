using Osprey.Metrics;

namespace Osprey.Tests.Metrics;

public class ClassificationMetricsTests
{
    // 4 samples, 6 classes. Ranks of the true class: sample 0 -> 1st, sample 1 -> 3rd, sample 2 -> 6th, sample 3 -> 2nd.
    static readonly float[] Scores =
    [
        0.9f, 0.1f, 0.0f, 0.0f, 0.0f, 0.0f,   // label 0: rank 1
        0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f,   // label 2: rank 3
        0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.0f,   // label 5: rank 6
        0.2f, 0.8f, 0.0f, 0.0f, 0.1f, 0.0f,   // label 0: rank 2
    ];
    static readonly long[] Labels = [0, 2, 5, 0];

    [Fact]
    public void TopKHitsCountTheRankOfTheLabel()
    {
        using var scope = TensorScope.Begin();
        var hits = TopKAccuracy.Hits(Tensor.From(Scores, 4, 6), Tensor.From(Labels), 1, 2, 3, 5, 6, 10);
        Assert.Equal(new long[] { 1, 2, 3, 3, 4, 4 }, hits);
    }

    [Fact]
    public void AccumulatesTopOneTopFiveAndTheConfusionMatrix()
    {
        using var scope = TensorScope.Begin();
        var metrics = new ClassificationMetrics(6);
        metrics.Update(Tensor.From(Scores, 4, 6), Tensor.From(Labels));
        metrics.Update(Tensor.From(Scores[..12], 2, 6), Tensor.From(Labels[..2]));   // the first two again
        Assert.Equal(6, metrics.Count);
        Assert.Equal(2.0 / 6, metrics.Top1, 12);   // samples 0 and 0'
        Assert.Equal(5.0 / 6, metrics.Top5, 12);   // all but sample 2
        // argmax predictions: 0, 0, 4, 1, then 0, 0.
        var c = metrics.Confusion;
        Assert.Equal(2, c[0, 0]);
        Assert.Equal(1, c[0, 1]);
        Assert.Equal(2, c[2, 0]);
        Assert.Equal(1, c[5, 4]);
        Assert.Equal(6, c.Total);
        Assert.Equal(2.0 / 6, c.Accuracy, 12);
        var perClass = c.PerClassAccuracy();
        Assert.Equal(2.0 / 3, perClass[0], 12);
        Assert.Equal(0.0, perClass[2]);
        Assert.Equal(0.0, perClass[5]);
        Assert.True(double.IsNaN(perClass[1]), "class 1 has no samples: its accuracy is undefined (NaN)");
    }

    [Fact]
    public void ConfusionMatrixByHand()
    {
        var c = new ConfusionMatrix(3);
        // (actual, predicted): 3x (0,0), 1x (0,2), 2x (1,1), 2x (1,0), 1x (2,2)
        foreach (var (a, p) in new[] { (0, 0), (0, 0), (0, 0), (0, 2), (1, 1), (1, 1), (1, 0), (1, 0), (2, 2) }) c.Add(a, p);
        Assert.Equal(6.0 / 9, c.Accuracy, 12);
        Assert.Equal(new[] { 0.75, 0.5, 1.0 }, c.PerClassAccuracy());
        Assert.Equal(2, c[1, 0]);
        Assert.Equal(0, c[2, 0]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => c.Add(3, 0));
        Assert.Contains("true class 3", e.Message);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ArgumentException>(() => TopKAccuracy.Hits(Tensor.From(Scores, 4, 6), Tensor.From(new long[] { 0, 1 }), 1));
        Assert.Contains("labels must be (N) with N = 4", e.Message);
        Assert.Throws<ArgumentException>(() => new ClassificationMetrics(5).Update(Tensor.From(Scores, 4, 6), Tensor.From(Labels)));
    }
}
