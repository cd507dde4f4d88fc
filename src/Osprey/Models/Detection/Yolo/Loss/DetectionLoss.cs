using Osprey.Models.Detection.Boxes;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Yolo.Loss;

/// <summary>
/// ultralytics' v8DetectionLoss over a YOLO head's raw maps. The maps are flattened to A anchor points; the distance
/// bins decode (softmax expectation) to boxes around the anchor centres; the <see cref="TaskAlignedAssigner"/> picks
/// each target's anchors from the detached predictions. Then: BCE with logits of the class scores against the target
/// scores (all anchors), 1 - CIoU of the foreground boxes weighted by their target scores, and the distribution
/// focal loss of their distance bins, each divided by the target-score sum (at least 1) and multiplied by its gain
/// (box 7.5, cls 0.5, dfl 1.5). The total is their sum times the batch size, ultralytics' scaling (gradients of a
/// batch mean times the nominal accumulation); the logged terms box_loss, cls_loss, dfl_loss are the detached parts.
/// </summary>
public sealed class DetectionLoss
{
    public DetectHeadInfo Head { get; }
    public DetectionLossGains Gains { get; }
    public TaskAlignedAssigner Assigner { get; }

    public DetectionLoss(DetectHeadInfo head, DetectionLossGains? gains = null, long topK = 10)
    {
        Head = head;
        Gains = gains ?? new DetectionLossGains();
        Assigner = new TaskAlignedAssigner(head.NumClasses, topK, alpha: 0.5, beta: 6.0);
    }

    /// <summary>The loss of raw maps (N, 4*reg_max + classes, H, W), one per stride, for N images' targets.</summary>
    public LossTerms Compute(IReadOnlyList<Tensor> rawMaps, IReadOnlyList<DetectionTarget> targets) => Compute(rawMaps, targets, out _);

    /// <summary>As <see cref="Compute(IReadOnlyList{Tensor}, IReadOnlyList{DetectionTarget})"/>, also giving the
    /// assignment it used (its tensors belong to the caller's scope).</summary>
    public LossTerms Compute(IReadOnlyList<Tensor> rawMaps, IReadOnlyList<DetectionTarget> targets, out TaskAlignment assignment)
    {
        Check(rawMaps, targets);
        using var scope = TensorScope.Begin();
        long batch = rawMaps[0].Size(0), regMax = Head.RegMax;
        var dtype = rawMaps[0].DType;
        var flat = Tensor.Cat(rawMaps.Select(m => m.View(batch, Head.OutputsPerAnchor, -1)).ToArray(), 2);
        var parts = flat.Split([4 * regMax, Head.NumClasses], 1);
        var distances = parts[0].Permute(0, 2, 1).Contiguous();   // (N, A, 4*reg_max)
        var logits = parts[1].Permute(0, 2, 1).Contiguous();      // (N, A, C)

        var (pointRows, strideRow) = AnchorPoints.Make(rawMaps, Head.Strides);
        var anchors = pointRows.Transpose(0, 1).To(dtype);        // (A, 2) in grid units
        var strides = strideRow.Transpose(0, 1).To(dtype);        // (A, 1)
        var (gtLabels, gtBoxes, gtMask) = Pad(targets, batch, dtype, rawMaps[0].Device);

        var boxes = Decode(anchors, distances);                   // (N, A, 4) xyxy in grid units
        assignment = Assigner.Assign(logits.Detach().Sigmoid(), boxes.Detach() * strides, anchors * strides, gtLabels, gtBoxes, gtMask);
        var targetScores = assignment.TargetScores;
        var scoreSum = targetScores.Sum().ClampMin(1);

        var cls = Functional.BinaryCrossEntropyWithLogits(logits, targetScores.To(dtype), reduction: Reduction.None).Sum() / scoreSum;
        Tensor box, dfl;
        var foreground = assignment.ForegroundMask;
        if (foreground.Any().Item<bool>())
            (box, dfl) = BoxLosses(distances, boxes, anchors, assignment.TargetBoxes / strides, targetScores, scoreSum, foreground);
        else
            (box, dfl) = (Tensor.Zeros([], dtype, flat.Device), Tensor.Zeros([], dtype, flat.Device));

        var weighted = Tensor.Stack([box * Gains.Box, cls * Gains.Cls, dfl * Gains.Dfl]);
        var total = weighted.Sum() * batch;
        var logged = weighted.Detach().Unbind(0);
        scope.Keep(total);
        scope.Keep(logged);
        scope.Keep(assignment.Tensors());
        return new LossTerms(total, [("box_loss", logged[0]), ("cls_loss", logged[1]), ("dfl_loss", logged[2])]);
    }

    /// <summary>Distance bins (N, A, 4*reg_max) to xyxy boxes around the anchors (the softmax expectation per side).</summary>
    Tensor Decode(Tensor anchors, Tensor distances)
    {
        using var scope = TensorScope.Begin();
        long batch = distances.Size(0), count = distances.Size(1);
        var bins = Tensor.Arange(0.0, Head.RegMax, 1.0, distances.DType, distances.Device);
        var expected = distances.View(batch, count, 4, Head.RegMax).Softmax(3).Matmul(bins);
        return scope.Keep(BoxDistances.ToCorners(expected, anchors));
    }

    /// <summary>ultralytics' BboxLoss: CIoU and DFL of the foreground anchors, weighted by their target-score sums.</summary>
    (Tensor Box, Tensor Dfl) BoxLosses(Tensor distances, Tensor boxes, Tensor anchors, Tensor targetBoxes, Tensor targetScores,
                                       Tensor scoreSum, Tensor foreground)
    {
        using var scope = TensorScope.Begin();
        var weight = targetScores.Sum(-1).Index(foreground).Unsqueeze(-1);
        var iou = CompleteIou.Compute(boxes.Index(foreground), targetBoxes.Index(foreground)).Unsqueeze(-1);
        var box = ((1.0 - iou) * weight).Sum() / scoreSum;
        var targetDistances = BoxDistances.FromCorners(anchors, targetBoxes, Head.RegMax - 1);
        var dfl = DistributionFocalLoss.Compute(distances.Index(foreground).View(-1, Head.RegMax), targetDistances.Index(foreground), Head.RegMax) * weight;
        return (scope.Keep(box), scope.Keep(dfl.Sum() / scoreSum));
    }

    /// <summary>
    /// Targets padded to the largest count M: labels (N, M, 1) and xyxy boxes (N, M, 4) in the raw maps' dtype, and
    /// the mask (N, M, 1) of real ones, which is, as in ultralytics, "the box coordinates sum to more than 0".
    /// </summary>
    static (Tensor Labels, Tensor Boxes, Tensor Mask) Pad(IReadOnlyList<DetectionTarget> targets, long batch, DType dtype, Device device)
    {
        using var scope = TensorScope.Begin();
        long maxCount = targets.Max(t => t.Count);
        var labels = Tensor.Zeros([batch, maxCount, 1], dtype, device);
        var boxes = Tensor.Zeros([batch, maxCount, 4], dtype, device);
        for (int i = 0; i < targets.Count; i++)
        {
            if (targets[i].Count == 0) continue;
            labels[i, ..(int)targets[i].Count].CopyFrom(targets[i].Classes.To(dtype).View(-1, 1));
            boxes[i, ..(int)targets[i].Count].CopyFrom(targets[i].Boxes.To(dtype));
        }
        var mask = boxes.Sum(2, keepDim: true).Gt(0).To(dtype);
        return (scope.Keep(labels), scope.Keep(boxes), scope.Keep(mask));
    }

    void Check(IReadOnlyList<Tensor> rawMaps, IReadOnlyList<DetectionTarget> targets)
    {
        if (rawMaps.Count != Head.Levels)
            throw new ArgumentException($"DetectionLoss: expected {Head.Levels} raw maps (one per stride), got {rawMaps.Count}");
        long batch = rawMaps[0].Dim == 4 ? rawMaps[0].Size(0) : -1;
        for (int i = 0; i < rawMaps.Count; i++)
            if (rawMaps[i].Dim != 4 || rawMaps[i].Size(0) != batch || rawMaps[i].Size(1) != Head.OutputsPerAnchor)
                throw new ArgumentException($"DetectionLoss: raw map {i} must be ({batch}, {Head.OutputsPerAnchor}, H, W), got {rawMaps[i].Describe()}");
        if (targets.Count != batch)
            throw new ArgumentException($"DetectionLoss: {batch} images in the raw maps but {targets.Count} targets");
        for (int i = 0; i < targets.Count; i++) targets[i].Validate(i, Head.NumClasses);
    }
}
