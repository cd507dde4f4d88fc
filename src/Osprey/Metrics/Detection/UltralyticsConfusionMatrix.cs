namespace Osprey.Metrics.Detection;

/// <summary>
/// ultralytics' detection ConfusionMatrix (process_batch): (classes + 1) x (classes + 1) counts, [predicted, true], the
/// last row and column the background. Detections above <see cref="Confidence"/> (0.25: the validator's 0.001 is
/// replaced by it) are matched to objects by IoU above <see cref="IouThreshold"/> (0.45), by decreasing IoU, one
/// object per detection and one detection per object; a matched object counts at (its detection's class, its class),
/// an unmatched object at (background, its class), an unmatched detection at (its class, background) — the last only
/// when the image has some match, as ultralytics counts it.
/// </summary>
public sealed class UltralyticsConfusionMatrix(int classes, double confidence = 0.25, double iouThreshold = 0.45)
{
    readonly long[,] counts = new long[classes + 1, classes + 1];

    public int Classes { get; } = classes;
    public double Confidence { get; } = confidence;
    public double IouThreshold { get; } = iouThreshold;

    /// <summary>The count at [predicted, true] (index <see cref="Classes"/> is the background).</summary>
    public long this[int predicted, int actual] => counts[predicted, actual];

    /// <summary>One image: detections as (x0, y0, x1, y1) rows with scores and classes, objects as rows with classes.</summary>
    public void Add(float[] predictedBoxes, float[] scores, int[] predictedClasses, float[] trueBoxes, int[] trueClasses)
    {
        if (scores.Length != predictedClasses.Length || predictedBoxes.Length != 4 * predictedClasses.Length)
            throw new ArgumentException($"confusion matrix: {predictedClasses.Length} detection classes need as many scores and 4 box coordinates each, got {scores.Length} and {predictedBoxes.Length}");
        if (trueBoxes.Length != 4 * trueClasses.Length)
            throw new ArgumentException($"confusion matrix: {trueClasses.Length} labels need 4 box coordinates each, got {trueBoxes.Length}");
        foreach (var c in predictedClasses.Concat(trueClasses))
            if ((uint)c >= (uint)Classes) throw new ArgumentException($"confusion matrix: class {c} outside [0, {Classes})");
        var kept = Enumerable.Range(0, scores.Length).Where(i => scores[i] > Confidence).ToArray();
        if (trueClasses.Length == 0)
        {
            foreach (var d in kept) counts[predictedClasses[d], Classes]++;
            return;
        }
        if (predictedClasses.Length == 0) // ultralytics: no detections at all (before the confidence filter)
        {
            foreach (var c in trueClasses) counts[Classes, c]++;
            return;
        }
        var boxes = kept.SelectMany(d => predictedBoxes.AsSpan(4 * d, 4).ToArray()).ToArray();
        var iou = UltralyticsMatching.BoxIou(trueBoxes, boxes); // [object, kept detection]
        int n = kept.Length;
        var matches = new List<(int Object, int Detection, float Iou)>();
        for (int g = 0; g < trueClasses.Length; g++)
            for (int d = 0; d < n; d++)
                if (iou[g * n + d] > IouThreshold) matches.Add((g, d, iou[g * n + d]));
        if (matches.Count > 1)
        {
            matches = FirstPer(ByIouDescending(matches), m => m.Detection);
            matches = FirstPer(ByIouDescending(matches), m => m.Object);
        }
        for (int g = 0; g < trueClasses.Length; g++)
        {
            int match = matches.FindIndex(m => m.Object == g);
            if (match >= 0) counts[predictedClasses[kept[matches[match].Detection]], trueClasses[g]]++;
            else counts[Classes, trueClasses[g]]++;
        }
        if (matches.Count > 0)
            for (int d = 0; d < n; d++)
                if (!matches.Any(m => m.Detection == d)) counts[predictedClasses[kept[d]], Classes]++;
    }

    /// <summary>The counts, for <see cref="AppendState"/> on a matrix of as many classes.</summary>
    public void WriteState(BinaryWriter w) => w.WriteArray(counts.Cast<long>().ToArray());

    public void AppendState(BinaryReader r)
    {
        var added = new long[counts.Length];
        r.AddArray(added, "detection confusion matrix");
        for (int i = 0; i < added.Length; i++) counts[i / (Classes + 1), i % (Classes + 1)] += added[i];
    }

    /// <summary>The counts as [true, predicted] (what <c>ConfusionMatrixPlot</c> takes), background last.</summary>
    public long[,] ByTrueClass()
    {
        var byTrue = new long[Classes + 1, Classes + 1];
        for (int p = 0; p <= Classes; p++) for (int t = 0; t <= Classes; t++) byTrue[t, p] = counts[p, t];
        return byTrue;
    }

    /// <summary>numpy's argsort (introsort) of the IoUs, reversed.</summary>
    static List<(int Object, int Detection, float Iou)> ByIouDescending(List<(int Object, int Detection, float Iou)> matches)
    {
        var order = NumpyArgsort.Quicksort(matches.Select(m => m.Iou).ToArray());
        return Enumerable.Range(0, order.Length).Select(k => matches[order[order.Length - 1 - k]]).ToList();
    }

    /// <summary>numpy.unique(key, return_index=True) as a selection: the first match of each key, ordered by key.</summary>
    static List<(int Object, int Detection, float Iou)> FirstPer(List<(int Object, int Detection, float Iou)> matches, Func<(int Object, int Detection, float Iou), int> key) =>
        matches.Select((m, i) => (Match: m, Index: i)).GroupBy(x => key(x.Match)).OrderBy(g => g.Key).Select(g => g.First().Match).ToList();
}
