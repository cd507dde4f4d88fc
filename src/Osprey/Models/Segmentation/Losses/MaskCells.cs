using Osprey.Torch;

namespace Osprey.Models.Segmentation.Losses;

/// <summary>
/// The "cells" of a class-id mask for the UNet weight map when a dataset has no instance masks: the 4-connected
/// regions of one class other than background and the ignore value, numbered 1, 2, ... in raster order of their first
/// pixel (background and ignored pixels 0). Two touching items of the same class become one cell.
/// </summary>
public static class MaskCells
{
    /// <param name="mask">(H, W) class ids.</param>
    public static Tensor Label(Tensor mask, int background = 0, int ignoreIndex = 255)
    {
        if (mask.Dim != 2) throw new ArgumentException($"mask cells: mask {mask.Describe()} must be (H, W)");
        int h = (int)mask.Size(0), w = (int)mask.Size(1);
        long[] classes;
        using (var scope = TensorScope.Begin()) classes = mask.Long().Contiguous().ToArray<long>();
        var ids = new long[classes.Length];
        var pending = new Stack<int>();
        long next = 0;
        for (int start = 0; start < classes.Length; start++)
        {
            long c = classes[start];
            if (ids[start] != 0 || c == background || c == ignoreIndex) continue;
            ids[start] = ++next;
            pending.Push(start);
            while (pending.TryPop(out int p))
            {
                int y = p / w, x = p % w;
                if (x > 0) Visit(p - 1);
                if (x < w - 1) Visit(p + 1);
                if (y > 0) Visit(p - w);
                if (y < h - 1) Visit(p + w);
            }

            void Visit(int q)
            {
                if (ids[q] != 0 || classes[q] != c) return;
                ids[q] = next;
                pending.Push(q);
            }
        }
        return Tensor.From(ids, h, w);
    }

    /// <summary>The UNet paper's weight map (<see cref="UNetWeightMap.Compute"/>, w_c = 1) of each mask of a batch
    /// (N, H, W), its cells from <see cref="Label"/>.</summary>
    public static Tensor WeightMaps(Tensor masks, int background = 0, int ignoreIndex = 255)
    {
        if (masks.Dim != 3) throw new ArgumentException($"weight maps: masks {masks.Describe()} must be (N, H, W)");
        using var scope = TensorScope.Begin();
        var maps = new Tensor[masks.Size(0)];
        for (int i = 0; i < maps.Length; i++) maps[i] = UNetWeightMap.Compute(Label(masks[i], background, ignoreIndex));
        return scope.Keep(Tensor.Stack(maps, 0));
    }
}
