using Osprey.Models.Detection.Boxes;
using Osprey.Torch;

namespace Osprey.Models.Detection.Yolo.Loss;

/// <summary>
/// The task-aligned assigner of TOOD (Feng et al., 2021) as ultralytics' TaskAlignedAssigner: for every target the
/// anchors whose centre lies strictly inside its box are ranked by the alignment metric score^alpha * CIoU^beta
/// (score = the predicted probability of the target's class, CIoU clamped at 0); the top k of them are its
/// candidates. An anchor claimed by several targets goes to the one it overlaps most (select_highest_overlaps). The
/// target scores are the one-hot classes scaled by the alignment metric normalized per target to its best overlap.
/// Defaults as v8DetectionLoss builds it: top-k 10, alpha 0.5, beta 6.0, eps 1e-9. No gradient.
/// </summary>
public sealed class TaskAlignedAssigner
{
    public long TopK { get; }
    public long NumClasses { get; }
    public double Alpha { get; }
    public double Beta { get; }
    public double Eps { get; }

    public TaskAlignedAssigner(long numClasses, long topK = 10, double alpha = 0.5, double beta = 6.0, double eps = 1e-9)
    {
        if (numClasses < 1) throw new ArgumentException($"TaskAlignedAssigner: number of classes must be positive, got {numClasses}");
        if (topK < 1) throw new ArgumentException($"TaskAlignedAssigner: top-k must be positive, got {topK}");
        (NumClasses, TopK, Alpha, Beta, Eps) = (numClasses, topK, alpha, beta, eps);
    }

    /// <summary>
    /// Assigns targets to anchors. <paramref name="scores"/> (b, A, C) probabilities, <paramref name="boxes"/>
    /// (b, A, 4) predicted xyxy boxes, <paramref name="anchors"/> (A, 2) anchor centres (in the boxes' units),
    /// <paramref name="gtLabels"/> (b, M, 1), <paramref name="gtBoxes"/> (b, M, 4) xyxy and <paramref name="gtMask"/>
    /// (b, M, 1), 1 for a real target and 0 for padding (images hold different numbers of targets).
    /// </summary>
    public TaskAlignment Assign(Tensor scores, Tensor boxes, Tensor anchors, Tensor gtLabels, Tensor gtBoxes, Tensor gtMask)
    {
        Check(scores, boxes, anchors, gtLabels, gtBoxes, gtMask);
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        long batch = scores.Size(0), count = scores.Size(1), maxBoxes = gtBoxes.Size(1);
        if (maxBoxes == 0)
            return Keep(scope, new TaskAlignment(Tensor.Full([batch, count], NumClasses, DType.Int64, scores.Device), boxes.ZerosLike(),
                                                 scores.ZerosLike(), Tensor.Zeros([batch, count], DType.Bool, scores.Device),
                                                 Tensor.Zeros([batch, count], DType.Int64, scores.Device)));
        if (count < TopK)
            throw new ArgumentException($"TaskAlignedAssigner: {count} anchors, fewer than top-k {TopK}");

        var inside = AnchorsInside(anchors, gtBoxes);
        var (metric, overlaps) = Metrics(scores, boxes, gtLabels, gtBoxes, inside * gtMask);
        var positive = TopCandidates(metric, gtMask) * inside * gtMask;
        var (gtIndex, foreground, resolved) = HighestOverlaps(positive, overlaps);
        var (labels, targetBoxes, targetScores) = Targets(gtLabels, gtBoxes, gtIndex, foreground);

        var aligned = metric * resolved;
        var bestMetric = aligned.AMax([-1], keepDim: true);
        var bestOverlap = (overlaps * resolved).AMax([-1], keepDim: true);
        var normalized = (aligned * bestOverlap / (bestMetric + Eps)).AMax([-2]).Unsqueeze(-1);
        return Keep(scope, new TaskAlignment(labels, targetBoxes, targetScores * normalized, foreground.Gt(0), gtIndex));
    }

    static TaskAlignment Keep(TensorScope scope, TaskAlignment a)
    {
        scope.Keep(a.Tensors());
        return a;
    }

    /// <summary>(b, M, A): 1 where the anchor centre is more than eps inside all four sides of the target box.</summary>
    static Tensor AnchorsInside(Tensor anchors, Tensor gtBoxes, double eps = 1e-9)
    {
        using var scope = TensorScope.Begin();
        long batch = gtBoxes.Size(0), maxBoxes = gtBoxes.Size(1), count = anchors.Size(0);
        var corners = gtBoxes.View(-1, 1, 4).Chunk(2, 2);
        var points = anchors.Unsqueeze(0);
        var deltas = Tensor.Cat([points - corners[0], corners[1] - points], 2).View(batch, maxBoxes, count, -1);
        return scope.Keep(deltas.AMin([3]).Gt(eps).To(gtBoxes.DType));
    }

    /// <summary>Alignment metric and CIoU (b, M, A), zero outside <paramref name="mask"/> (anchor inside a real target).</summary>
    (Tensor Metric, Tensor Overlaps) Metrics(Tensor scores, Tensor boxes, Tensor gtLabels, Tensor gtBoxes, Tensor mask)
    {
        using var scope = TensorScope.Begin();
        long batch = boxes.Size(0), count = boxes.Size(1), maxBoxes = gtBoxes.Size(1);
        var valid = mask.Bool();
        var classes = gtLabels.Long().Expand(-1, -1, count);
        var classScores = Tensor.Where(valid, scores.Permute(0, 2, 1).Gather(1, classes), 0.0);
        // CIoU only for the (target, anchor) pairs inside a target, as ultralytics: all b x M x A pairs would need
        // gigabytes of temporaries at 640 pixels.
        var predicted = boxes.Unsqueeze(1).Expand(-1, maxBoxes, -1, -1).Index(valid);
        var truth = gtBoxes.Unsqueeze(2).Expand(-1, -1, count, -1).Index(valid);
        var overlaps = Tensor.Zeros([batch, maxBoxes, count], boxes.DType, boxes.Device);
        overlaps.IndexPutInPlace([valid], CompleteIou.Compute(truth, predicted).ClampMin(0));
        var metric = classScores.Pow(Alpha) * overlaps.Pow(Beta);
        return (scope.Keep(metric), scope.Keep(overlaps));
    }

    /// <summary>(b, M, A): 1 for each real target's top-k anchors by metric (an anchor picked twice, as padding is, gets 0).</summary>
    Tensor TopCandidates(Tensor metric, Tensor gtMask)
    {
        using var scope = TensorScope.Begin();
        var (_, indices) = metric.TopK(TopK, -1);
        var real = gtMask.Expand(-1, -1, TopK).Bool();
        indices = indices.MaskedFill(real.LogicalNot(), 0);
        var counts = Tensor.Zeros(metric.Shape, DType.Int8, metric.Device)
            .ScatterAdd(-1, indices, Tensor.Ones(indices.Shape, DType.Int8, metric.Device));
        return scope.Keep(counts.MaskedFill(counts.Gt(1), 0).To(metric.DType));
    }

    /// <summary>
    /// Each anchor positive for several targets keeps only the one it overlaps most. Returns the assigned target
    /// index (b, A), the foreground count per anchor (b, A) and the resolved positive mask (b, M, A).
    /// </summary>
    static (Tensor GtIndex, Tensor Foreground, Tensor Positive) HighestOverlaps(Tensor positive, Tensor overlaps)
    {
        using var scope = TensorScope.Begin();
        long maxBoxes = positive.Size(1);
        var claims = positive.Sum(-2);
        var contested = claims.Unsqueeze(1).Gt(1).Expand(-1, maxBoxes, -1);
        var best = positive.ZerosLike().Scatter(1, overlaps.ArgMax(1).Unsqueeze(1), 1.0);
        var resolved = Tensor.Where(contested, best, positive).To(DType.Float32);
        var foreground = resolved.Sum(-2);
        return (scope.Keep(resolved.ArgMax(-2)), scope.Keep(foreground), scope.Keep(resolved));
    }

    /// <summary>Per anchor the assigned target's class (b, A), box (b, A, 4) and one-hot class (b, A, C), zero for background.</summary>
    (Tensor Labels, Tensor Boxes, Tensor Scores) Targets(Tensor gtLabels, Tensor gtBoxes, Tensor gtIndex, Tensor foreground)
    {
        using var scope = TensorScope.Begin();
        long batch = gtBoxes.Size(0), count = gtIndex.Size(1);
        var labels = gtLabels.Long().Squeeze(-1).Gather(1, gtIndex);   // never negative: DetectionTarget checks the class ids
        var boxes = gtBoxes.Gather(1, gtIndex.Unsqueeze(-1).Expand(-1, -1, 4));
        var oneHot = Tensor.Zeros([batch, count, NumClasses], DType.Int64, gtIndex.Device).Scatter(2, labels.Unsqueeze(-1), 1.0);
        var scores = Tensor.Where(foreground.Unsqueeze(-1).Gt(0), oneHot, 0.0);
        return (scope.Keep(labels), scope.Keep(boxes), scope.Keep(scores));
    }

    void Check(Tensor scores, Tensor boxes, Tensor anchors, Tensor gtLabels, Tensor gtBoxes, Tensor gtMask)
    {
        if (scores.Dim != 3 || scores.Size(2) != NumClasses)
            throw new ArgumentException($"TaskAlignedAssigner: scores must be (b, A, {NumClasses}), got {scores.Describe()}");
        long batch = scores.Size(0), count = scores.Size(1);
        if (!boxes.Shape.SequenceEqual([batch, count, 4]))
            throw new ArgumentException($"TaskAlignedAssigner: boxes must be ({batch}, {count}, 4), got {boxes.Describe()}");
        if (!anchors.Shape.SequenceEqual([count, 2]))
            throw new ArgumentException($"TaskAlignedAssigner: anchors must be ({count}, 2), got {anchors.Describe()}");
        if (gtBoxes.Dim != 3 || gtBoxes.Size(0) != batch || gtBoxes.Size(2) != 4)
            throw new ArgumentException($"TaskAlignedAssigner: target boxes must be ({batch}, M, 4), got {gtBoxes.Describe()}");
        long maxBoxes = gtBoxes.Size(1);
        if (!gtLabels.Shape.SequenceEqual([batch, maxBoxes, 1]))
            throw new ArgumentException($"TaskAlignedAssigner: target labels must be ({batch}, {maxBoxes}, 1), got {gtLabels.Describe()}");
        if (!gtMask.Shape.SequenceEqual([batch, maxBoxes, 1]))
            throw new ArgumentException($"TaskAlignedAssigner: target mask must be ({batch}, {maxBoxes}, 1), got {gtMask.Describe()}");
    }
}
