using Osprey.Torch;

namespace Osprey.Models.Detection.Boxes;

/// <summary>
/// Overlap of (x0, y0, x1, y1) boxes: IoU and generalized IoU (Rezatofighi et al., 2019), either between every
/// pair of two sets (N, 4) x (M, 4) -> (N, M), or between aligned boxes (K, 4) x (K, 4) -> (K).
/// </summary>
public static class BoxIou
{
    public static Tensor Pairwise(Tensor a, Tensor b) => Iou(Check(a, "first").Unsqueeze(1), Check(b, "second").Unsqueeze(0));

    public static Tensor GeneralizedPairwise(Tensor a, Tensor b) =>
        Generalized(CheckOrdered(a, "first").Unsqueeze(1), CheckOrdered(b, "second").Unsqueeze(0));

    public static Tensor GeneralizedAligned(Tensor a, Tensor b)
    {
        if (!CheckOrdered(a, "first").Shape.SequenceEqual(CheckOrdered(b, "second").Shape))
            throw new ArgumentException($"GeneralizedIou: aligned boxes must have the same shape, got {a.Describe()} and {b.Describe()}");
        return Generalized(a, b);
    }

    static Tensor Iou(Tensor a, Tensor b)
    {
        using var scope = TensorScope.Begin();
        var (intersection, union) = Overlap(a, b);
        return scope.Keep(intersection / union);
    }

    /// <summary>IoU minus the share of the smallest enclosing box the union leaves uncovered, in [-1, 1].</summary>
    static Tensor Generalized(Tensor a, Tensor b)
    {
        using var scope = TensorScope.Begin();
        var (intersection, union) = Overlap(a, b);
        var enclosing = Area(Corner(a, 0).Minimum(Corner(b, 0)), Corner(a, 2).Maximum(Corner(b, 2)));
        return scope.Keep(intersection / union - (enclosing - union) / enclosing);
    }

    /// <summary>Intersection and union areas of broadcastable box tensors (..., 4).</summary>
    static (Tensor Intersection, Tensor Union) Overlap(Tensor a, Tensor b)
    {
        using var scope = TensorScope.Begin();
        var intersection = Area(Corner(a, 0).Maximum(Corner(b, 0)), Corner(a, 2).Minimum(Corner(b, 2)));
        var union = Area(Corner(a, 0), Corner(a, 2)) + Area(Corner(b, 0), Corner(b, 2)) - intersection;
        return (scope.Keep(intersection), scope.Keep(union));
    }

    /// <summary>(x0, y0) for offset 0, (x1, y1) for offset 2.</summary>
    static Tensor Corner(Tensor boxes, long offset) => boxes.Narrow(-1, offset, 2);

    static Tensor Area(Tensor upperLeft, Tensor lowerRight)
    {
        using var scope = TensorScope.Begin();
        var size = (lowerRight - upperLeft).ClampMin(0);
        return scope.Keep(size.Select(-1, 0) * size.Select(-1, 1));
    }

    static Tensor Check(Tensor boxes, string name) =>
        boxes.Dim == 2 && boxes.Size(1) == 4 ? boxes
            : throw new ArgumentException($"BoxIou: {name} boxes must be (N, 4), got {boxes.Describe()}");

    // Degenerate boxes (x1 < x0 or y1 < y0) would give meaningless generalized IoU, as the reference asserts.
    static Tensor CheckOrdered(Tensor boxes, string name)
    {
        Check(boxes, name);
        using var scope = TensorScope.Begin();
        if (!Corner(boxes, 2).Ge(Corner(boxes, 0)).All().Item<bool>())
            throw new ArgumentException($"GeneralizedIou: {name} boxes have x1 < x0 or y1 < y0");
        return boxes;
    }
}
