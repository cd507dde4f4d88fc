namespace Osprey.Metrics.Detection;

/// <summary>
/// What ultralytics' ap_per_class returns, for the classes that have labels (<see cref="Classes"/>, ascending):
/// AP at each of the ten IoU thresholds, and precision, recall and F1 at the confidence where the smoothed mean F1
/// over classes is largest. Curves are sampled at 1000 confidences 0..1 (<see cref="Confidences"/>);
/// <see cref="PrecisionAtRecall"/> is the PR curve (ultralytics' prec_values: each class's precision envelope at IoU 0.5
/// on the same 1000 points read as recall), zeros for a class without detections (ultralytics leaves its row out).
/// </summary>
public sealed record UltralyticsApResult(
    int[] Classes, int[] LabelCounts, double[,] AP, double[] Precision, double[] Recall, double[] F1,
    double[] Confidences, double[,] PrecisionCurve, double[,] RecallCurve, double[,] F1Curve, int BestF1Index, double[,] PrecisionAtRecall);

/// <summary>ultralytics' ap_per_class: per-class precision / recall curves and 101-point interpolated AP (COCO
/// style, by numpy's interp and trapz), as in its utils/metrics.py.</summary>
public static class UltralyticsApPerClass
{
    const double Eps = 1e-16;
    const int CurvePoints = 1000;

    /// <param name="truePositive">[detection, threshold] flags from <see cref="UltralyticsMatching"/>.</param>
    /// <param name="confidence">Detection confidences (float32, as the validator gathers them).</param>
    /// <param name="predictedClasses">Detection classes.</param>
    /// <param name="trueClasses">The class of every labelled object of every image.</param>
    public static UltralyticsApResult Compute(bool[,] truePositive, float[] confidence, int[] predictedClasses, int[] trueClasses)
    {
        int n = confidence.Length, thresholds = truePositive.GetLength(1);
        if (truePositive.GetLength(0) != n || predictedClasses.Length != n)
            throw new ArgumentException($"ap_per_class: {n} confidences need as many true-positive rows and classes, got {truePositive.GetLength(0)} and {predictedClasses.Length}");
        // numpy's argsort(-conf): introsort, so tied confidences come out in numpy's order.
        var order = NumpyArgsort.Quicksort(confidence.Select(c => -c).ToArray());
        var classes = trueClasses.Distinct().Order().ToArray();
        var labelCounts = classes.Select(c => trueClasses.Count(t => t == c)).ToArray();
        int nc = classes.Length;
        var x = NumpyCurves.Linspace(0, 1, CurvePoints);
        var negX = x.Select(v => -v).ToArray();
        var ap = new double[nc, thresholds];
        var pCurve = new double[nc, CurvePoints];
        var rCurve = new double[nc, CurvePoints];
        var prCurve = new double[nc, CurvePoints];
        for (int ci = 0; ci < nc; ci++)
        {
            var members = order.Where(i => predictedClasses[i] == classes[ci]).ToArray();
            if (members.Length == 0 || labelCounts[ci] == 0) continue;
            var negConf = members.Select(i => -(double)confidence[i]).ToArray();
            var recall = new double[thresholds][];
            var precision = new double[thresholds][];
            for (int t = 0; t < thresholds; t++)
            {
                (recall[t], precision[t]) = (new double[members.Length], new double[members.Length]);
                long tp = 0, fp = 0;
                for (int k = 0; k < members.Length; k++)
                {
                    if (truePositive[members[k], t]) tp++;
                    else fp++;
                    recall[t][k] = tp / (labelCounts[ci] + Eps);
                    precision[t][k] = tp / (double)(tp + fp);
                }
                ap[ci, t] = AveragePrecision(recall[t], precision[t]);
            }
            var (mrec, mpre) = Envelope(recall[0], precision[0]);
            SetRow(prCurve, ci, NumpyCurves.Interp(x, mrec, mpre));
            SetRow(rCurve, ci, NumpyCurves.Interp(negX, negConf, recall[0], left: 0));
            SetRow(pCurve, ci, NumpyCurves.Interp(negX, negConf, precision[0], left: 1));
        }
        var f1Curve = new double[nc, CurvePoints];
        var meanF1 = new double[CurvePoints];
        for (int ci = 0; ci < nc; ci++)
            for (int i = 0; i < CurvePoints; i++)
            {
                f1Curve[ci, i] = 2 * pCurve[ci, i] * rCurve[ci, i] / (pCurve[ci, i] + rCurve[ci, i] + Eps);
                meanF1[i] += f1Curve[ci, i];
            }
        for (int i = 0; i < CurvePoints; i++) meanF1[i] /= Math.Max(nc, 1);
        int best = NumpyCurves.ArgMax(NumpyCurves.Smooth(meanF1, 0.1));
        return new UltralyticsApResult(classes, labelCounts, ap,
            Column(pCurve, best), Column(rCurve, best), Column(f1Curve, best), x, pCurve, rCurve, f1Curve, best, prCurve);
    }

    /// <summary>ultralytics' compute_ap: the precision envelope over recall with sentinels (0, 1) and (1, 0),
    /// integrated at 101 recall points.</summary>
    public static double AveragePrecision(double[] recall, double[] precision)
    {
        var (mrec, mpre) = Envelope(recall, precision);
        var points = NumpyCurves.Linspace(0, 1, 101);
        return NumpyCurves.Trapz(NumpyCurves.Interp(points, mrec, mpre), points);
    }

    /// <summary>compute_ap's recall with sentinels 0 and 1 and the precision envelope (running maximum from the right)
    /// with sentinels 1 and 0.</summary>
    static (double[] Recall, double[] Precision) Envelope(double[] recall, double[] precision)
    {
        var mrec = new double[recall.Length + 2];
        var mpre = new double[precision.Length + 2];
        (mrec[0], mrec[^1], mpre[0], mpre[^1]) = (0, 1, 1, 0);
        recall.CopyTo(mrec, 1);
        precision.CopyTo(mpre, 1);
        for (int i = mpre.Length - 2; i >= 0; i--) mpre[i] = Math.Max(mpre[i], mpre[i + 1]);
        return (mrec, mpre);
    }

    static void SetRow(double[,] matrix, int row, double[] values)
    {
        for (int i = 0; i < values.Length; i++) matrix[row, i] = values[i];
    }

    static double[] Column(double[,] matrix, int column) =>
        Enumerable.Range(0, matrix.GetLength(0)).Select(r => matrix[r, column]).ToArray();
}
