using Osprey.Torch;

namespace Osprey.Models.Segmentation.Losses;

/// <summary>
/// The UNet paper's pixel weight map (Ronneberger et al., eq. 2): w(x) = w_c(x) + w0 exp(-(d1(x) + d2(x))^2 / (2 sigma^2)),
/// d1 and d2 the distances to the nearest and second nearest cell, so the thin background gaps between touching cells
/// weigh most. The border term is applied on background pixels (instance id 0), where the paper's figure shows it;
/// w_c balances class frequencies (<see cref="ClassBalance"/>) or is 1. w0 = 10 and sigma = 5 pixels as in the paper.
/// </summary>
public static class UNetWeightMap
{
    /// <param name="instances">(H, W) integer cell ids, 0 = background, each cell its own id.</param>
    /// <param name="classWeights">w_c per pixel (H, W), or null for 1.</param>
    public static Tensor Compute(Tensor instances, double w0 = 10, double sigma = 5, Tensor? classWeights = null)
    {
        if (instances.Dim != 2) throw new ArgumentException($"UNet weight map: instances {instances.Describe()} must be (H, W)");
        using var scope = TensorScope.Begin();
        long h = instances.Size(0), w = instances.Size(1);
        var ids = instances.Long();
        var cells = ids.Flatten().MaskedSelect(ids.Flatten().Gt(0)).ToArray<long>().Distinct().Order().ToArray();
        var baseWeights = classWeights?.Float() ?? Tensor.Ones([h, w]);
        if (cells.Length < 2) return scope.Keep(baseWeights.Clone());
        var grid = Tensor.Meshgrid([Tensor.Arange(0.0, h, 1), Tensor.Arange(0.0, w, 1)]);
        var pixels = Tensor.Stack([grid[0].Flatten(), grid[1].Flatten()], 1); // (HW, 2) row, col
        var distances = new Tensor[cells.Length];
        for (int k = 0; k < cells.Length; k++) distances[k] = DistanceTo(ids.Eq(cells[k]), pixels, h, w);
        var nearest = Tensor.Stack(distances, 0).TopK(2, dim: 0, largest: false).Values; // (2, HW), ascending
        var sum = nearest[0] + nearest[1];
        var border = (sum * sum / (-2 * sigma * sigma)).Exp() * w0;
        var background = ids.Flatten().Eq(0).Float();
        return scope.Keep(baseWeights + (border * background).View(h, w));
    }

    /// <summary>Euclidean distance of every pixel to the nearest pixel of the cell (0 inside it), from the cell's
    /// boundary pixels only: the nearest cell pixel to an outside pixel always has a 4-neighbour outside the cell.</summary>
    static Tensor DistanceTo(Tensor cell, Tensor pixels, long h, long w)
    {
        using var scope = TensorScope.Begin();
        var inside = cell.Float().Unsqueeze(0).Unsqueeze(0);
        // A cell pixel with any 4-neighbour outside the cell (beyond the image counts as inside) is on the boundary.
        var padded = Torch.NN.Functional.Pad(inside, [1, 1, 1, 1], value: 1);
        var neighbours = Tensor.Stack([
            padded.Narrow(2, 0, h).Narrow(3, 1, w), padded.Narrow(2, 2, h).Narrow(3, 1, w),
            padded.Narrow(2, 1, h).Narrow(3, 0, w), padded.Narrow(2, 1, h).Narrow(3, 2, w)], 0).AMin([0]);
        var boundary = cell.Flatten().LogicalAnd(neighbours.Flatten().Lt(0.5));
        var points = pixels.Index(boundary); // (B, 2)
        var result = Tensor.Empty([h * w]);
        const long chunk = 4096;
        for (long start = 0; start < h * w; start += chunk)
        {
            long length = Math.Min(chunk, h * w - start);
            var d = new Op("aten::cdist").Tensor(pixels.Narrow(0, start, length), points, 2.0, Arg.None).AMin([1]);
            result.Narrow(0, start, length).CopyFrom(d);
        }
        return scope.Keep(result.MaskedFill(cell.Flatten(), 0));
    }

    /// <summary>Inverse-frequency class weights per pixel: total / (present classes * pixels of the class), so every
    /// class present weighs the same in sum; ignored pixels get 0.</summary>
    public static Tensor ClassBalance(Tensor mask, int classes, int ignoreIndex = 255)
    {
        using var scope = TensorScope.Begin();
        var labels = mask.Long();
        var valid = labels.Ne(ignoreIndex);
        var ids = labels.MaskedFill(valid.LogicalNot(), 0);
        var counts = new Op("aten::bincount").Tensor(labels.MaskedSelect(valid), (Tensor?)null, (long)classes).Double();
        double present = counts.Gt(0).SumAs(DType.Float64).Item<double>(), total = counts.Sum().Item<double>();
        var perClass = Tensor.Where(counts.Gt(0), counts.Reciprocal() * (total / Math.Max(present, 1)), 0.0).Float();
        return scope.Keep(perClass.IndexSelect(0, ids.Flatten()).View(mask.Shape) * valid.Float());
    }
}
