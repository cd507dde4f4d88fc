using System.Numerics;
using Osprey.Torch;

namespace Osprey.Models.Detection.Boxes;

/// <summary>
/// Greedy non-maximum suppression over (x0, y0, x1, y1) boxes as torchvision's <c>nms</c> and <c>batched_nms</c>
/// compute it on the CPU: boxes are visited by descending score (a stable sort, so exact ties go by index, as
/// torchvision's kernel sorts), and a box is dropped when its IoU with an already kept one is strictly greater than the
/// threshold. IoU is evaluated in the boxes' own precision (float32 or float64) with torchvision's operation order,
/// so the kept indices and their order are identical.
/// </summary>
public static class Nms
{
    /// <summary>torchvision.ops.nms: indices (int64) of the kept boxes of (N, 4) <paramref name="boxes"/>, by
    /// decreasing score.</summary>
    public static Tensor Apply(Tensor boxes, Tensor scores, double iouThreshold)
    {
        Check(boxes, scores, null);
        return Indices(boxes.DType == DType.Float64
            ? Greedy(boxes.ToArray<double>(), scores.ToArray<double>(), iouThreshold)
            : Greedy(boxes.ToArray<float>(), scores.ToArray<float>(), iouThreshold));
    }

    /// <summary>
    /// torchvision.ops.batched_nms: suppression only among boxes of the same class id (<paramref name="classes"/>,
    /// (N) integers). Kept indices by decreasing score. Like torchvision, up to 1000 boxes are shifted by
    /// class * (max coordinate + 1) and suppressed together; more are suppressed class by class.
    /// </summary>
    public static Tensor Batched(Tensor boxes, Tensor scores, Tensor classes, double iouThreshold)
    {
        Check(boxes, scores, classes);
        var ids = classes.DType == DType.Int64 ? classes.ToArray<long>() : ClassIds(classes);
        return Indices(boxes.DType == DType.Float64
            ? Batched(boxes.ToArray<double>(), scores.ToArray<double>(), ids, iouThreshold)
            : Batched(boxes.ToArray<float>(), scores.ToArray<float>(), ids, iouThreshold));
    }

    /// <summary>torchvision.ops.nms on host arrays: <paramref name="boxes"/> holds N rows of 4 coordinates. With
    /// <paramref name="maxKeep"/> the visit stops once that many are kept: the result is the first maxKeep of the full
    /// one (a kept box depends only on the boxes kept before it), without the quadratic scan past them.</summary>
    public static long[] Greedy<T>(T[] boxes, T[] scores, double iouThreshold, int maxKeep) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckArrays(boxes, scores, null, iouThreshold);
        if (maxKeep < 1) throw new ArgumentException($"NMS: maxKeep must be at least 1, got {maxKeep}");
        return Greedy(boxes, scores, StableDescendingOrder(scores), iouThreshold, maxKeep);
    }

    public static long[] Greedy<T>(T[] boxes, T[] scores, double iouThreshold) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckArrays(boxes, scores, null, iouThreshold);
        return Greedy(boxes, scores, StableDescendingOrder(scores), iouThreshold);
    }

    /// <summary>torchvision.ops.batched_nms on host arrays.</summary>
    public static long[] Batched<T>(T[] boxes, T[] scores, long[] classes, double iouThreshold) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckArrays(boxes, scores, classes, iouThreshold);
        int n = scores.Length;
        if (n == 0) return [];
        if (boxes.Length <= 4000) return Greedy(OffsetByClass(boxes, classes), scores, StableDescendingOrder(scores), iouThreshold);

        var keep = new bool[n];
        foreach (var id in classes.Distinct().Order())
        {
            var members = Enumerable.Range(0, n).Where(i => classes[i] == id).ToArray();
            var subset = new T[members.Length * 4];
            for (int k = 0; k < members.Length; k++) Array.Copy(boxes, members[k] * 4, subset, k * 4, 4);
            var memberScores = members.Select(i => scores[i]).ToArray();
            foreach (var kept in Greedy(subset, memberScores, StableDescendingOrder(memberScores), iouThreshold))
                keep[members[kept]] = true;
        }
        var keptIndices = Enumerable.Range(0, n).Where(i => keep[i]).ToArray();
        // torchvision orders the union with torch's default (unstable) sort; libtorch's sort reproduces its ties.
        var order = DescendingOrder(keptIndices.Select(i => scores[i]).ToArray(), stable: false);
        return order.Select(o => (long)keptIndices[o]).ToArray();
    }

    /// <summary>The coordinate trick: every box moved by class * (largest coordinate + 1), so classes never overlap.</summary>
    static T[] OffsetByClass<T>(T[] boxes, long[] classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var maxCoordinate = boxes.Max();
        var shifted = new T[boxes.Length];
        for (int i = 0; i < classes.Length; i++)
        {
            var offset = T.CreateChecked(classes[i]) * (maxCoordinate + T.One);
            for (int c = 0; c < 4; c++) shifted[i * 4 + c] = boxes[i * 4 + c] + offset;
        }
        return shifted;
    }

    static long[] Greedy<T>(T[] boxes, T[] scores, long[] order, double iouThreshold, int maxKeep = int.MaxValue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = scores.Length;
        var areas = new T[n];
        for (int i = 0; i < n; i++) areas[i] = (boxes[i * 4 + 2] - boxes[i * 4]) * (boxes[i * 4 + 3] - boxes[i * 4 + 1]);
        var suppressed = new bool[n];
        var keep = new List<long>();
        for (int oi = 0; oi < n; oi++)
        {
            long i = order[oi];
            if (suppressed[i]) continue;
            if (keep.Count == maxKeep) break;
            keep.Add(i);
            T ix0 = boxes[i * 4], iy0 = boxes[i * 4 + 1], ix1 = boxes[i * 4 + 2], iy1 = boxes[i * 4 + 3], iArea = areas[i];
            for (int oj = oi + 1; oj < n; oj++)
            {
                long j = order[oj];
                if (suppressed[j]) continue;
                var w = T.Max(T.Zero, T.Min(ix1, boxes[j * 4 + 2]) - T.Max(ix0, boxes[j * 4]));
                var h = T.Max(T.Zero, T.Min(iy1, boxes[j * 4 + 3]) - T.Max(iy0, boxes[j * 4 + 1]));
                var inter = w * h;
                var overlap = inter / (iArea + areas[j] - inter);
                if (double.CreateChecked(overlap) > iouThreshold) suppressed[j] = true;
            }
        }
        return keep.ToArray();
    }

    /// <summary>Indices by decreasing score, ties by index, NaN first: what PyTorch's stable descending sort gives,
    /// in managed code (no libtorch), so host-only callers such as the ONNX Runtime predictors get the same order.</summary>
    public static long[] StableDescendingOrder<T>(T[] scores) where T : unmanaged, IFloatingPointIeee754<T> =>
        Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i], NanLargest<T>.Instance).Select(i => (long)i).ToArray();

    sealed class NanLargest<T> : IComparer<T> where T : IFloatingPointIeee754<T>
    {
        public static readonly NanLargest<T> Instance = new();

        public int Compare(T? a, T? b) => T.IsNaN(a!) ? (T.IsNaN(b!) ? 0 : 1) : T.IsNaN(b!) ? -1 : a!.CompareTo(b);
    }

    /// <summary>Indices by decreasing score from libtorch's sort, so that ties come out as PyTorch's own sort
    /// leaves them (stable: by index; unstable: libtorch's introsort order).</summary>
    internal static long[] DescendingOrder<T>(T[] scores, bool stable) where T : unmanaged
    {
        if (scores.Length == 0) return [];
        using var scope = TensorScope.Begin();
        return Tensor.From(scores, scores.Length).Sort(0, descending: true, stable: stable).Indices.ToArray<long>();
    }

    static Tensor Indices(long[] kept) => Tensor.From(kept, kept.Length);

    static long[] ClassIds(Tensor classes)
    {
        if (classes.DType is DType.Float32 or DType.Float64)
            throw new ArgumentException($"batched NMS: class ids must be integers, got {classes.Describe()}");
        using var scope = TensorScope.Begin();
        return classes.To(DType.Int64).ToArray<long>();
    }

    static void Check(Tensor boxes, Tensor scores, Tensor? classes)
    {
        if (boxes.Dim != 2 || boxes.Size(1) != 4)
            throw new ArgumentException($"NMS: boxes must be (N, 4) as x0, y0, x1, y1, got {boxes.Describe()}");
        if (boxes.DType is not (DType.Float32 or DType.Float64) || scores.DType != boxes.DType)
            throw new ArgumentException($"NMS: boxes and scores must share a float32 or float64 dtype, got {boxes.Describe()} and {scores.Describe()}");
        if (scores.Dim != 1 || scores.Size(0) != boxes.Size(0))
            throw new ArgumentException($"NMS: scores must be (N) with N = {boxes.Size(0)}, got {scores.Describe()}");
        if (classes != null && (classes.Dim != 1 || classes.Size(0) != boxes.Size(0)))
            throw new ArgumentException($"NMS: class ids must be (N) with N = {boxes.Size(0)}, got {classes.Describe()}");
    }

    static void CheckArrays<T>(T[] boxes, T[] scores, long[]? classes, double iouThreshold) where T : IFloatingPointIeee754<T>
    {
        if (boxes.Length != scores.Length * 4)
            throw new ArgumentException($"NMS: {scores.Length} scores need {scores.Length * 4} box coordinates, got {boxes.Length}");
        if (classes != null && classes.Length != scores.Length)
            throw new ArgumentException($"NMS: {scores.Length} scores need as many class ids, got {classes.Length}");
        if (double.IsNaN(iouThreshold)) throw new ArgumentException("NMS: the IoU threshold is NaN");
        for (int i = 0; i < scores.Length; i++)
            if (T.IsNaN(scores[i])) throw new ArgumentException($"NMS: score {i} is NaN");
    }
}
