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

    /// <summary>The per-class table `osprey val` prints: class, IoU and accuracy in percent, labelled pixels; "nan" for
    /// classes left out of the means; then the summary line.</summary>
    public IEnumerable<string> Table(IReadOnlyList<string> classNames)
    {
        if (classNames.Count != AreaLabel.Length)
            throw new ArgumentException($"{classNames.Count} class names for {AreaLabel.Length} classes");
        int width = Math.Max(5, classNames.Max(n => n.Length));
        static string Percent(double v) => double.IsNaN(v) ? "nan" : (100 * v).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        yield return $"{"class".PadRight(width)}  {"IoU",7}  {"Acc",7}  {"pixels",12}";
        var (iou, accuracy) = (Iou, Accuracy);
        for (int c = 0; c < classNames.Count; c++)
            yield return $"{classNames[c].PadRight(width)}  {Percent(iou[c]),7}  {Percent(accuracy[c]),7}  {AreaLabel[c],12}";
        yield return $"mIoU {Percent(MeanIou)}  mAcc {Percent(MeanAccuracy)}  aAcc {Percent(PixelAccuracy)}";
    }

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
