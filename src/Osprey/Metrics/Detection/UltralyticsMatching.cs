namespace Osprey.Metrics.Detection;

/// <summary>
/// Which detections of one image are true positives at each of ultralytics' ten IoU thresholds (0.50:0.05:0.95),
/// as its validator's match_predictions decides: pairs of the same class with IoU at least the threshold, taken by
/// decreasing IoU, keep the best object per detection, then — in detection order — the first detection per object.
/// IoU is computed in float32 with ultralytics' box_iou (eps 1e-7), so decisions at the thresholds are the same.
/// </summary>
public static class UltralyticsMatching
{
    static readonly float[] thresholds = TorchLinspace(0.5f, 0.95f, 10);

    /// <summary>The ten IoU thresholds as float32, the validator's iouv = torch.linspace(0.5, 0.95, 10).</summary>
    public static IReadOnlyList<float> IouThresholds => thresholds;

    /// <summary>torch.linspace's float32 formula: start + step * i for the first half, end - step * (n - 1 - i) after.</summary>
    static float[] TorchLinspace(float start, float end, int steps)
    {
        float step = (end - start) / (steps - 1);
        return Enumerable.Range(0, steps).Select(i => i < steps / 2 ? start + step * i : end - step * (steps - i - 1)).ToArray();
    }

    /// <summary>
    /// [detection, threshold] true-positive flags. Boxes are (x0, y0, x1, y1) rows: <paramref name="predictedBoxes"/>
    /// 4 per detection, <paramref name="trueBoxes"/> 4 per object.
    /// </summary>
    public static bool[,] Match(float[] predictedBoxes, int[] predictedClasses, float[] trueBoxes, int[] trueClasses)
    {
        int n = predictedClasses.Length, m = trueClasses.Length;
        if (predictedBoxes.Length != 4 * n) throw new ArgumentException($"ultralytics matching: {n} detections need {4 * n} box coordinates, got {predictedBoxes.Length}");
        if (trueBoxes.Length != 4 * m) throw new ArgumentException($"ultralytics matching: {m} objects need {4 * m} box coordinates, got {trueBoxes.Length}");
        var iou = BoxIou(trueBoxes, predictedBoxes);   // [object, detection]
        for (int g = 0; g < m; g++)
            for (int d = 0; d < n; d++)
                if (trueClasses[g] != predictedClasses[d]) iou[g * n + d] = 0;
        var correct = new bool[n, IouThresholds.Count];
        for (int t = 0; t < IouThresholds.Count; t++)
        {
            float threshold = IouThresholds[t];
            var pairs = new List<(int Object, int Detection)>();
            for (int g = 0; g < m; g++)
                for (int d = 0; d < n; d++)
                    if (iou[g * n + d] >= threshold) pairs.Add((g, d));
            if (pairs.Count > 1)
            {
                // numpy: argsort (introsort, ascending) then reversed.
                var order = NumpyArgsort.Quicksort(pairs.Select(p => iou[p.Object * n + p.Detection]).ToArray());
                var byIou = Enumerable.Range(0, order.Length).Select(k => pairs[order[order.Length - 1 - k]]).ToList();
                pairs = FirstPer(FirstPer(byIou, p => p.Detection), p => p.Object);
            }
            foreach (var p in pairs) correct[p.Detection, t] = true;
        }
        return correct;
    }

    /// <summary>numpy.unique(key, return_index=True) applied as a selection: the first pair of each key, by key.</summary>
    static List<(int Object, int Detection)> FirstPer(List<(int Object, int Detection)> pairs, Func<(int Object, int Detection), int> key) =>
        pairs.Select((p, i) => (Pair: p, Index: i)).GroupBy(x => key(x.Pair)).OrderBy(group => group.Key)
            .Select(group => group.First().Pair).ToList();

    /// <summary>ultralytics' box_iou(a, b) in float32: intersection / (area a + area b - intersection + 1e-7),
    /// [a, b] row-major.</summary>
    public static float[] BoxIou(float[] a, float[] b)
    {
        int na = a.Length / 4, nb = b.Length / 4;
        var result = new float[na * nb];
        for (int i = 0; i < na; i++)
        {
            float areaA = (a[i * 4 + 2] - a[i * 4]) * (a[i * 4 + 3] - a[i * 4 + 1]);
            for (int j = 0; j < nb; j++)
            {
                float w = MathF.Max(MathF.Min(a[i * 4 + 2], b[j * 4 + 2]) - MathF.Max(a[i * 4], b[j * 4]), 0);
                float h = MathF.Max(MathF.Min(a[i * 4 + 3], b[j * 4 + 3]) - MathF.Max(a[i * 4 + 1], b[j * 4 + 1]), 0);
                float intersection = w * h;
                float areaB = (b[j * 4 + 2] - b[j * 4]) * (b[j * 4 + 3] - b[j * 4 + 1]);
                result[i * nb + j] = intersection / (areaA + areaB - intersection + 1e-7f);
            }
        }
        return result;
    }
}
