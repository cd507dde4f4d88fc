namespace Osprey.Metrics.Detection;

/// <summary>AP and AR of one category over all areas with up to 100 detections per image; -1 where COCOeval has
/// no value (no counted object of the category).</summary>
public sealed record CocoCategoryResult(int CategoryId, double AP, double AP50, double AP75, double AR100);

/// <summary>
/// What COCOeval leaves after accumulate and summarize: <see cref="Precision"/> [T=10, R=101, K, A=4, M=3],
/// <see cref="Recall"/> [T, K, A, M] (-1 where absent) and the 12 summary statistics in pycocotools' order.
/// </summary>
public sealed class CocoEvaluation
{
    public static IReadOnlyList<string> StatNames { get; } =
        ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"];

    internal CocoEvaluation(int[] categoryIds, CocoArray precision, CocoArray recall)
    {
        CategoryIds = categoryIds;
        Precision = precision;
        Recall = recall;
        int at50 = ThresholdIndex(0.5), at75 = ThresholdIndex(0.75);
        Stats =
        [
            MeanPrecision(null, 0, 2), MeanPrecision(at50, 0, 2), MeanPrecision(at75, 0, 2),
            MeanPrecision(null, 1, 2), MeanPrecision(null, 2, 2), MeanPrecision(null, 3, 2),
            MeanRecall(0, 0), MeanRecall(0, 1), MeanRecall(0, 2), MeanRecall(1, 2), MeanRecall(2, 2), MeanRecall(3, 2),
        ];
        PerCategory = categoryIds.Select((id, k) => new CocoCategoryResult(id,
            MeanPrecision(null, 0, 2, k), MeanPrecision(at50, 0, 2, k), MeanPrecision(at75, 0, 2, k), MeanRecall(0, 2, k))).ToArray();
    }

    public IReadOnlyList<int> CategoryIds { get; }
    public CocoArray Precision { get; }
    public CocoArray Recall { get; }

    /// <summary>AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl (see <see cref="StatNames"/>).</summary>
    public IReadOnlyList<double> Stats { get; }

    public IReadOnlyList<CocoCategoryResult> PerCategory { get; }

    public double AP => Stats[0];
    public double AP50 => Stats[1];
    public double AP75 => Stats[2];

    /// <summary>The summary lines pycocotools prints.</summary>
    public string Summary()
    {
        var lines = new List<string>();
        string[] iou = ["0.50:0.95", "0.50", "0.75", "0.50:0.95", "0.50:0.95", "0.50:0.95"];
        string[] area = ["all", "all", "all", "small", "medium", "large", "all", "all", "all", "small", "medium", "large"];
        int[] dets = [100, 100, 100, 100, 100, 100, 1, 10, 100, 100, 100, 100];
        for (int i = 0; i < 12; i++)
        {
            var (title, type) = i < 6 ? ("Average Precision", "(AP)") : ("Average Recall", "(AR)");
            lines.Add($" {title,-18} {type} @[ IoU={(i < 6 ? iou[i] : "0.50:0.95"),-9} | area={area[i],6} | maxDets={dets[i],3} ] = {Stats[i].ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)}");
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>pycocotools selects a threshold by exact equality with its linspace values (-1: none).</summary>
    static int ThresholdIndex(double iou)
    {
        for (int t = 0; t < CocoParameters.IouThresholds.Count; t++)
            if (CocoParameters.IouThresholds[t] == iou) return t;
        return -1;
    }

    /// <summary>Mean of the precision entries above -1 for one area range and maxDets index, over every threshold
    /// (or one), recall point and category (or one); -1 when there are none.</summary>
    double MeanPrecision(int? threshold, int area, int maxDets, int? category = null)
    {
        double sum = 0;
        long count = 0;
        foreach (int t in Selected(threshold, CocoParameters.IouThresholds.Count))
            for (int r = 0; r < CocoParameters.RecallThresholds.Count; r++)
                foreach (int k in Selected(category, CategoryIds.Count))
                {
                    double v = Precision[t, r, k, area, maxDets];
                    if (v > -1) (sum, count) = (sum + v, count + 1);
                }
        return count > 0 ? sum / count : -1;
    }

    double MeanRecall(int area, int maxDets, int? category = null)
    {
        double sum = 0;
        long count = 0;
        for (int t = 0; t < CocoParameters.IouThresholds.Count; t++)
            foreach (int k in Selected(category, CategoryIds.Count))
            {
                double v = Recall[t, k, area, maxDets];
                if (v > -1) (sum, count) = (sum + v, count + 1);
            }
        return count > 0 ? sum / count : -1;
    }

    static IEnumerable<int> Selected(int? one, int count) =>
        one switch { null => Enumerable.Range(0, count), < 0 => [], int i => [i] };
}
