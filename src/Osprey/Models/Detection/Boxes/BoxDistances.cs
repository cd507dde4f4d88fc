using Osprey.Torch;

namespace Osprey.Models.Detection.Boxes;

/// <summary>
/// Boxes as distances from a point (ultralytics' dist2bbox / bbox2dist): (left, top, right, bottom) distances from
/// (x, y) to the box sides, last dimension 4, points broadcast against them with last dimension 2.
/// </summary>
public static class BoxDistances
{
    /// <summary>Distances (..., 4) from points (..., 2) to (x0, y0, x1, y1) boxes.</summary>
    public static Tensor ToCorners(Tensor distances, Tensor points)
    {
        Check(distances, 4, "distances");
        Check(points, 2, "points");
        using var scope = TensorScope.Begin();
        var halves = distances.Chunk(2, -1);
        return scope.Keep(Tensor.Cat([points - halves[0], points + halves[1]], -1));
    }

    /// <summary>
    /// Distances (..., 4) from points (..., 2) to the sides of (x0, y0, x1, y1) boxes, clamped to [0, max - 0.01]
    /// (max = reg_max - 1: the last bin the distribution focal loss can reach).
    /// </summary>
    public static Tensor FromCorners(Tensor points, Tensor boxes, double max)
    {
        Check(points, 2, "points");
        Check(boxes, 4, "boxes");
        using var scope = TensorScope.Begin();
        var corners = boxes.Chunk(2, -1);
        return scope.Keep(Tensor.Cat([points - corners[0], corners[1] - points], -1).Clamp(0, max - 0.01));
    }

    static void Check(Tensor t, long last, string name)
    {
        if (t.Dim < 1 || t.Size(-1) != last)
            throw new ArgumentException($"BoxDistances: {name} must end in {last} values, got {t.Describe()}");
    }
}
