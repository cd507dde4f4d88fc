using Osprey.Metrics;

namespace Osprey.Tests.Metrics;

public class SegmentationMetricsTests
{
    [Fact]
    public void HandComputedCase()
    {
        using var scope = TensorScope.Begin();
        // 3 classes + ignore; class 2 is neither labelled nor predicted.
        var label = Tensor.From(new long[] { 0, 0, 1, 1, 255, 0 }, 2, 3);
        var pred = Tensor.From(new long[] { 0, 1, 1, 1, 2, 0 }, 2, 3);   // the pixel predicted 2 is ignored
        var confusion = new SegmentationConfusion(3);
        confusion.Add(pred, label);
        Assert.Equal(5, confusion.Total);
        Assert.Equal(2, confusion[0, 0]);
        Assert.Equal(1, confusion[0, 1]);
        Assert.Equal(2, confusion[1, 1]);
        var s = confusion.Scores();
        // class 0: I 2, label 3, pred 2, union 3; class 1: I 2, label 2, pred 3, union 3; class 2: union 0 -> NaN.
        Assert.Equal(new[] { 2.0 / 3, 2.0 / 3, double.NaN }, s.Iou);
        Assert.Equal(new[] { 2.0 / 3, 1.0, double.NaN }, s.Accuracy);
        Assert.Equal(2.0 / 3, s.MeanIou, 12);
        Assert.Equal(5.0 / 6, s.MeanAccuracy, 12);
        Assert.Equal(4.0 / 5, s.PixelAccuracy, 12);
        Assert.Equal(new[] { 0.8, 0.8, double.NaN }, s.Dice);
    }

    [Fact]
    public void AClassOnlyPredictedHasZeroIouThatCountsInTheMean()
    {
        using var scope = TensorScope.Begin();
        var confusion = new SegmentationConfusion(3);
        confusion.Add(Tensor.From(new long[] { 0, 2 }, 2), Tensor.From(new long[] { 0, 0 }, 2));
        var s = confusion.Scores();
        Assert.Equal(new[] { 0.5, double.NaN, 0.0 }, s.Iou);
        Assert.Equal(0.25, s.MeanIou);
        Assert.Equal(new[] { 0.5, double.NaN, double.NaN }, s.Accuracy);   // accuracy divides by the label area
    }

    [Fact]
    public void EqualsMmsegmentationIntersectAndUnion()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var confusion = new SegmentationConfusion(6);
        var preds = f["metric_pred"].Unbind(0);
        var labels = f["metric_label"].Unbind(0);
        for (int i = 0; i < preds.Length; i++) confusion.Add(preds[i].To(DType.UInt8), labels[i]);  // any integer dtype
        var s = confusion.Scores();
        Assert.Equal(f["metric_area_intersect"].ToArray<double>(), s.AreaIntersect.Select(v => (double)v));
        Assert.Equal(f["metric_area_union"].ToArray<double>(), s.AreaUnion.Select(v => (double)v));
        Assert.Equal(f["metric_area_pred"].ToArray<double>(), s.AreaPredicted.Select(v => (double)v));
        Assert.Equal(f["metric_area_label"].ToArray<double>(), s.AreaLabel.Select(v => (double)v));
        Expect.Close(f["metric_iou"], Tensor.From(s.Iou, 6), 1e-12, 0, "IoU (class 5 NaN)");
        Expect.Close(f["metric_acc"], Tensor.From(s.Accuracy, 6), 1e-12, 0, "Acc");
        Assert.True(double.IsNaN(s.Iou[5]));
        Assert.Equal(f["metric_miou"].Item<double>(), s.MeanIou, 12);
        Assert.Equal(f["metric_macc"].Item<double>(), s.MeanAccuracy, 12);
        Assert.Equal(f["metric_aacc"].Item<double>(), s.PixelAccuracy, 12);
    }

    [Fact]
    public void OutOfRangeIdsAreNamedAndIgnoreIsAccepted()
    {
        using var scope = TensorScope.Begin();
        var confusion = new SegmentationConfusion(3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => confusion.Add(Tensor.From(new long[] { 0 }, 1), Tensor.From(new long[] { 7 }, 1)));
        Assert.Contains("a label is 7 (not the ignore value 255), outside [0, 3)", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => confusion.Add(Tensor.From(new long[] { 3 }, 1), Tensor.From(new long[] { 1 }, 1)));
        Assert.Contains("a prediction is 3", e.Message);
        confusion.Add(Tensor.From(new long[] { 9 }, 1), Tensor.From(new long[] { 255 }, 1));  // ignored pixel: prediction unchecked
        Assert.Equal(0, confusion.Total);
        Assert.Contains("use ArgMax(1)", Assert.Throws<ArgumentException>(() => confusion.Add(Tensor.Zeros([1]), Tensor.Zeros([1], DType.Int64))).Message);
    }
}

public class SegmentationScoresTableTests
{
    [Fact]
    public void TableListsEveryClassAndTheMeans()
    {
        using var scope = TensorScope.Begin();
        var confusion = new SegmentationConfusion(3);
        var logits = Tensor.From(new float[] { 5, 0, 0, 5, 0, 5, 5, 0, 0, 0, 0, 0 }, 1, 3, 2, 2); // argmax: 0, 1, 1, 0
        confusion.AddLogits(logits, Tensor.From(new long[] { 0, 1, 0, 255 }, 1, 2, 2));
        var lines = confusion.Scores().Table(["sky", "road", "car"]).ToArray();
        Assert.Equal(5, lines.Length);
        Assert.Equal("sky      50.00    50.00             2", lines[1]);
        Assert.Equal("road     50.00   100.00             1", lines[2]);
        Assert.Equal("car        nan      nan             0", lines[3]);
        Assert.Equal("mIoU 50.00  mAcc 75.00  aAcc 66.67", lines[4]);
    }
}
