using Osprey.Torch;

namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// Anchor-free YOLO geometry (ultralytics' make_anchors and dist2bbox): one anchor point per cell of every level at
/// the cell centre (x + 0.5, y + 0.5, in that level's grid units), row-major, levels in order; box distances
/// (left, top, right, bottom) from the point become centre/size boxes, scaled to pixels by the level's stride.
/// </summary>
public static class AnchorPoints
{
    /// <summary>Points (2, A) as (x, y) rows and strides (1, A), for maps (N, C, H, W) with the given strides.</summary>
    public static (Tensor Points, Tensor Strides) Make(IReadOnlyList<Tensor> maps, IReadOnlyList<double> strides)
    {
        using var scope = TensorScope.Begin();
        var points = new Tensor[maps.Count];
        var strideRows = new Tensor[maps.Count];
        for (var i = 0; i < maps.Count; i++)
        {
            long h = maps[i].Size(2), w = maps[i].Size(3);
            var grid = Tensor.Meshgrid([Tensor.Arange(0.0, h).Add(0.5), Tensor.Arange(0.0, w).Add(0.5)]);
            points[i] = Tensor.Stack([grid[1], grid[0]], -1).View(-1, 2);
            strideRows[i] = Tensor.Full([h * w, 1], strides[i]);
        }
        var p = Tensor.Cat(points, 0).Transpose(0, 1).Contiguous();
        var s = Tensor.Cat(strideRows, 0).Transpose(0, 1).Contiguous();
        scope.Keep(p, s);
        return (p, s);
    }

    /// <summary>Distances (N, 4, A) from points (2, A) to boxes (N, 4, A) as cx, cy, w, h, times strides (1, A).</summary>
    public static Tensor DistancesToBoxes(Tensor distances, Tensor points, Tensor strides)
    {
        using var scope = TensorScope.Begin();
        var halves = distances.Chunk(2, 1);
        var anchor = points.Unsqueeze(0);
        var topLeft = anchor - halves[0];
        var bottomRight = anchor + halves[1];
        var boxes = Tensor.Cat([(topLeft + bottomRight).Div(2), bottomRight - topLeft], 1);
        return scope.Keep(boxes * strides);
    }
}
