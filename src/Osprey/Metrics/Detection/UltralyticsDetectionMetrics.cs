using Osprey.Torch;

namespace Osprey.Metrics.Detection;

/// <summary>One class's line of ultralytics' validation table.</summary>
public sealed record UltralyticsClassResult(int Class, int Images, int Instances, double Precision, double Recall, double MAP50, double MAP50To95);

/// <summary>
/// ultralytics' validator numbers (metrics/precision(B), recall(B), mAP50(B), mAP50-95(B) and fitness
/// 0.1 * mAP50 + 0.9 * mAP50-95), per class and overall. <see cref="ClassMaps"/> holds mAP50-95 per class index,
/// the overall mAP50-95 for classes without labels (ultralytics' maps).
/// </summary>
public sealed record UltralyticsDetectionResult(
    double Precision, double Recall, double MAP50, double MAP50To95, double Fitness,
    IReadOnlyList<UltralyticsClassResult> PerClass, double[] ClassMaps, int Images, int Instances, UltralyticsApResult? Curves);

/// <summary>
/// Gathers what ultralytics' DetectionValidator gathers per image (update_metrics) — true-positive flags at the
/// ten IoU thresholds, confidences, classes, labels — and computes its metrics (get_stats, DetMetrics). Boxes are
/// (x0, y0, x1, y1) in one coordinate space per image (ultralytics uses the original image's pixels).
/// </summary>
public sealed class UltralyticsDetectionMetrics(int classCount)
{
    readonly List<bool[]> truePositive = [];
    readonly List<float> confidence = [];
    readonly List<int> predictedClasses = [];
    readonly List<int> trueClasses = [];
    readonly int[] imagesWithClass = new int[classCount];
    int images;

    public int ClassCount { get; } = classCount;

    /// <summary>One image: its detections (after NMS) and its labelled objects.</summary>
    public void Add(float[] predictedBoxes, float[] scores, int[] predicted, float[] trueBoxes, int[] labels)
    {
        if (scores.Length != predicted.Length || predictedBoxes.Length != 4 * predicted.Length)
            throw new ArgumentException($"validator metrics: {predicted.Length} detection classes need as many scores and 4 box coordinates each, got {scores.Length} and {predictedBoxes.Length}");
        if (trueBoxes.Length != 4 * labels.Length)
            throw new ArgumentException($"validator metrics: {labels.Length} labels need 4 box coordinates each, got {trueBoxes.Length}");
        foreach (var c in predicted.Concat(labels))
            if (c < 0 || c >= ClassCount) throw new ArgumentException($"validator metrics: class {c} outside [0, {ClassCount})");
        images++;
        foreach (var c in labels.Distinct()) imagesWithClass[c]++;
        // An image with neither detections nor labels adds nothing; one without labels adds only false positives.
        var correct = labels.Length > 0 && predicted.Length > 0
            ? UltralyticsMatching.Match(predictedBoxes, predicted, trueBoxes, labels)
            : new bool[predicted.Length, UltralyticsMatching.IouThresholds.Count];
        for (int d = 0; d < predicted.Length; d++)
            truePositive.Add(Enumerable.Range(0, correct.GetLength(1)).Select(t => correct[d, t]).ToArray());
        confidence.AddRange(scores);
        predictedClasses.AddRange(predicted);
        trueClasses.AddRange(labels);
    }

    /// <summary>One image from NMS output rows (K, 6): x0, y0, x1, y1, confidence, class (see NonMaxSuppression).</summary>
    public void Add(Tensor detections, float[] trueBoxes, int[] labels)
    {
        if (detections.Dim != 2 || detections.Size(1) != 6 || detections.DType != DType.Float32)
            throw new ArgumentException($"validator metrics: detections must be float32 (K, 6) rows, got {detections.Describe()}");
        var rows = detections.ToArray<float>();
        int k = rows.Length / 6;
        var boxes = new float[k * 4];
        for (int i = 0; i < k; i++) Array.Copy(rows, i * 6, boxes, i * 4, 4);
        Add(boxes, Enumerable.Range(0, k).Select(i => rows[i * 6 + 4]).ToArray(),
            Enumerable.Range(0, k).Select(i => (int)rows[i * 6 + 5]).ToArray(), trueBoxes, labels);
    }

    /// <summary>What <see cref="Add"/> gathered, for <see cref="AppendState"/> on metrics of as many classes.</summary>
    public void WriteState(BinaryWriter w)
    {
        w.WriteArray(new[] { images }.Concat(imagesWithClass).ToArray());
        w.Write(truePositive.Count);
        foreach (var row in truePositive)
            foreach (var t in row) w.Write(t);
        w.WriteArray(confidence.ToArray());
        w.WriteArray(predictedClasses.ToArray());
        w.WriteArray(trueClasses.ToArray());
    }

    /// <summary>Another's images after this one's: the same as if they had been added here.</summary>
    public void AppendState(BinaryReader r)
    {
        var counts = new int[1 + ClassCount];
        r.AddArray(counts, "validator image counts");
        images += counts[0];
        for (int c = 0; c < ClassCount; c++) imagesWithClass[c] += counts[1 + c];
        int detections = r.ReadLength("validator true-positive rows");
        int thresholds = UltralyticsMatching.IouThresholds.Count;
        for (int d = 0; d < detections; d++)
        {
            var row = new bool[thresholds];
            for (int t = 0; t < thresholds; t++) row[t] = r.ReadBoolean();
            truePositive.Add(row);
        }
        var (scores, predicted, labels) = (r.ReadFloats("validator confidences"), r.ReadInts("validator classes"), r.ReadInts("validator labels"));
        if (scores.Length != detections || predicted.Length != detections)
            throw new InvalidDataException($"validator state: {detections} true-positive rows, {scores.Length} confidences, {predicted.Length} classes");
        if (predicted.Concat(labels).Any(c => (uint)c >= (uint)ClassCount))
            throw new InvalidDataException($"validator state: a class outside [0, {ClassCount})");
        confidence.AddRange(scores);
        predictedClasses.AddRange(predicted);
        trueClasses.AddRange(labels);
    }

    public UltralyticsDetectionResult Compute()
    {
        var instances = new int[ClassCount];
        foreach (var c in trueClasses) instances[c]++;
        // ultralytics computes nothing (all zeros) unless some detection is a true positive at some threshold.
        if (!truePositive.Any(row => row.Any(t => t)))
            return new UltralyticsDetectionResult(0, 0, 0, 0, 0, [], new double[ClassCount], images, trueClasses.Count, null);
        int thresholds = UltralyticsMatching.IouThresholds.Count;
        var tp = new bool[truePositive.Count, thresholds];
        for (int d = 0; d < truePositive.Count; d++)
            for (int t = 0; t < thresholds; t++) tp[d, t] = truePositive[d][t];
        var r = UltralyticsApPerClass.Compute(tp, confidence.ToArray(), predictedClasses.ToArray(), trueClasses.ToArray());
        int nc = r.Classes.Length;
        var perClass = new UltralyticsClassResult[nc];
        for (int i = 0; i < nc; i++)
        {
            double mean = Enumerable.Range(0, thresholds).Average(t => r.AP[i, t]);
            perClass[i] = new UltralyticsClassResult(r.Classes[i], imagesWithClass[r.Classes[i]], instances[r.Classes[i]],
                r.Precision[i], r.Recall[i], r.AP[i, 0], mean);
        }
        double map50 = perClass.Average(c => c.MAP50), map = r.AP.Cast<double>().Average();
        var maps = Enumerable.Repeat(map, ClassCount).ToArray();
        foreach (var c in perClass) maps[c.Class] = c.MAP50To95;
        return new UltralyticsDetectionResult(r.Precision.Average(), r.Recall.Average(), map50, map, 0.1 * map50 + 0.9 * map,
            perClass, maps, images, trueClasses.Count, r);
    }
}
