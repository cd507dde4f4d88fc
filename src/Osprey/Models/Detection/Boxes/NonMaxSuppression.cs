using Osprey.Torch;

namespace Osprey.Models.Detection.Boxes;

/// <summary>
/// ultralytics' non_max_suppression over a YOLO decoded output (N, 4 + classes, A): boxes as centre x, centre y,
/// width, height, then per-class scores. Per image: candidates whose best class scores above the confidence
/// threshold, corners from the centre form, one detection per box (best class) or per box-class pair
/// (multi-label), the class filter, the max-candidates cap by score, class-aware suppression by shifting boxes by
/// class x 7680 pixels (none when agnostic) through torchvision-equal <see cref="Nms"/>, and the max-detections cap.
/// All arithmetic is float32 as in ultralytics, so the same detections come out in the same order. ultralytics'
/// wall-clock time limit is not imitated: every image is processed.
/// </summary>
public static class NonMaxSuppression
{
    /// <summary>ultralytics' max_wh: the class offset, larger than any box.</summary>
    public const float ClassOffset = 7680;

    /// <summary>Per image a (K, 6) float32 tensor of detections: x0, y0, x1, y1, confidence, class, best first.</summary>
    public static IReadOnlyList<Tensor> Apply(Tensor prediction, NmsOptions? options = null)
    {
        options ??= new NmsOptions();
        options.Check();
        if (prediction.Dim != 3 || prediction.Size(1) < 5)
            throw new ArgumentException($"NMS: the prediction must be (N, 4 + classes, anchors), got {prediction.Describe()}");
        if (prediction.DType != DType.Float32)
            throw new ArgumentException($"NMS: the prediction must be float32, got {prediction.Describe()}");
        int batch = (int)prediction.Size(0), channels = (int)prediction.Size(1), anchors = (int)prediction.Size(2);
        return Rows(prediction.ToArray<float>(), batch, channels, anchors, options, libtorchTies: true)
            .Select(rows => Tensor.From(rows, rows.Length / 6, 6)).ToList();
    }

    /// <summary>The same on a host array (N, 4 + classes, A) without libtorch (the ONNX Runtime predictors): per image
    /// the kept rows of 6. One difference: past <see cref="NmsOptions.MaxCandidates"/>, equal scores at the cut are
    /// ordered by index rather than by libtorch's unstable sort.</summary>
    public static IReadOnlyList<float[]> Apply(float[] prediction, int batch, int channels, int anchors, NmsOptions? options = null)
    {
        options ??= new NmsOptions();
        options.Check();
        if (channels < 5 || prediction.Length != batch * channels * anchors)
            throw new ArgumentException($"NMS: {prediction.Length} values are not a ({batch}, 4 + classes, {anchors}) prediction with {channels} channels");
        return Rows(prediction, batch, channels, anchors, options, libtorchTies: false);
    }

    static float[][] Rows(float[] data, int batch, int channels, int anchors, NmsOptions options, bool libtorchTies) =>
        Enumerable.Range(0, batch)
            .Select(b => Image(new ReadOnlySpan<float>(data, b * channels * anchors, channels * anchors), channels - 4, anchors, options, libtorchTies))
            .ToArray();

    /// <summary>The same over a model's decoded boxes (N, 4, A) and scores (N, classes, A).</summary>
    public static IReadOnlyList<Tensor> Apply(DetectionOutput output, NmsOptions? options = null)
    {
        if (output.Boxes is null || output.Scores is null)
            throw new ArgumentException("NMS: the detection output is not decoded (the model was in train mode)");
        using var scope = TensorScope.Begin();
        var detections = Apply(Tensor.Cat([output.Boxes, output.Scores], 1), options);
        foreach (var d in detections) scope.Keep(d);
        return detections;
    }

    /// <summary>One image's (classes + 4, anchors) block to kept rows of 6.</summary>
    static float[] Image(ReadOnlySpan<float> p, int classes, int anchors, NmsOptions options, bool libtorchTies)
    {
        float conf = (float)options.Confidence;
        bool multiLabel = options.MultiLabel && classes > 1;
        var allowed = options.Classes?.ToHashSet();
        var boxes = new List<float>();
        var scores = new List<float>();
        var labels = new List<float>();
        for (int a = 0; a < anchors; a++)
        {
            // Best class: the first of equal maxima, as torch.max(dim) returns it.
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (p[(4 + c) * anchors + a] > p[(4 + best) * anchors + a]) best = c;
            if (!(p[(4 + best) * anchors + a] > conf)) continue;
            float cx = p[a], cy = p[anchors + a], hw = p[2 * anchors + a] / 2, hh = p[3 * anchors + a] / 2;
            for (int c = 0; c < classes; c++)
            {
                if (multiLabel ? !(p[(4 + c) * anchors + a] > conf) : c != best) continue;
                if (allowed != null && !allowed.Contains(c)) continue;
                boxes.AddRange([cx - hw, cy - hh, cx + hw, cy + hh]);
                scores.Add(p[(4 + c) * anchors + a]);
                labels.Add(c);
            }
        }
        int[] candidates = Enumerable.Range(0, scores.Count).ToArray();
        if (candidates.Length > options.MaxCandidates)   // torch's (unstable) descending argsort, as ultralytics calls it
        {
            var order = libtorchTies ? Nms.DescendingOrder(scores.ToArray(), stable: false) : Nms.StableDescendingOrder(scores.ToArray());
            candidates = order.Take(options.MaxCandidates).Select(i => (int)i).ToArray();
        }
        var shifted = new float[candidates.Length * 4];
        var candidateScores = new float[candidates.Length];
        for (int k = 0; k < candidates.Length; k++)
        {
            int i = candidates[k];
            float offset = labels[i] * (options.Agnostic ? 0 : ClassOffset);
            for (int j = 0; j < 4; j++) shifted[k * 4 + j] = boxes[i * 4 + j] + offset;
            candidateScores[k] = scores[i];
        }
        var kept = Nms.Greedy(shifted, candidateScores, options.Iou, options.MaxDetections);
        var rows = new float[kept.Length * 6];
        for (int k = 0; k < kept.Length; k++)
        {
            int i = candidates[kept[k]];
            for (int j = 0; j < 4; j++) rows[k * 6 + j] = boxes[i * 4 + j];
            (rows[k * 6 + 4], rows[k * 6 + 5]) = (scores[i], labels[i]);
        }
        return rows;
    }
}
