namespace Osprey.Metrics;

/// <summary>
/// Segmentation scores as mmsegmentation's total_area_to_metrics defines them from the per-class areas:
/// IoU = intersect / union, accuracy = intersect / label area, Dice = 2 intersect / (prediction + label area);
/// a class with an empty denominator (absent from both prediction and label for IoU, from the label for accuracy)
/// gets NaN and is left out of the mean (nanmean). Pixel accuracy (aAcc) = all intersections / all labelled pixels.
/// </summary>
public sealed record SegmentationScores(long[] AreaIntersect, long[] AreaUnion, long[] AreaPredicted, long[] AreaLabel)
{
    public double[] Iou => Divide(AreaIntersect, AreaUnion, 1);
    public double[] Accuracy => Divide(AreaIntersect, AreaLabel, 1);
    public double[] Dice => Divide(AreaIntersect, AreaPredicted.Zip(AreaLabel, (p, l) => p + l).ToArray(), 2);
    public double MeanIou => NanMean(Iou);
    public double MeanAccuracy => NanMean(Accuracy);
    public double MeanDice => NanMean(Dice);
    public double PixelAccuracy => AreaLabel.Sum() is var total and > 0 ? (double)AreaIntersect.Sum() / total : double.NaN;

    public static SegmentationScores FromConfusion(SegmentationConfusion confusion)
    {
        int k = confusion.Classes;
        long[] intersect = new long[k], predicted = new long[k], label = new long[k], union = new long[k];
        for (int a = 0; a < k; a++)
            for (int p = 0; p < k; p++)
            {
                long n = confusion[a, p];
                label[a] += n;
                predicted[p] += n;
                if (a == p) intersect[a] += n;
            }
        for (int c = 0; c < k; c++) union[c] = predicted[c] + label[c] - intersect[c];
        return new SegmentationScores(intersect, union, predicted, label);
    }

    static double[] Divide(long[] numerator, long[] denominator, double scale) =>
        numerator.Select((n, i) => denominator[i] == 0 ? double.NaN : scale * n / denominator[i]).ToArray();

    static double NanMean(double[] values)
    {
        var present = values.Where(v => !double.IsNaN(v)).ToArray();
        return present.Length == 0 ? double.NaN : present.Average();
    }
}
