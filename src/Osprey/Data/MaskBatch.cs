using Osprey.Torch;

namespace Osprey.Data;

/// <summary>Segmentation targets of one batch: masks placed top-left like <see cref="ImageBatch"/> places the images,
/// padded with the ignore value to the largest height and width, as int64 class ids (N, H, W) for the loss.</summary>
public static class MaskBatch
{
    public static Tensor Stack(IReadOnlyList<Tensor> masks, int ignoreIndex = Sample.IgnoreIndex)
    {
        if (masks.Count == 0) throw new ArgumentException("MaskBatch: no masks");
        for (int i = 0; i < masks.Count; i++)
            if (masks[i].Dim != 2 || masks[i].DType.IsFloatingPoint())
                throw new ArgumentException($"MaskBatch: mask {i} must be (H, W) integer class ids, got {masks[i].Describe()}");
        using var scope = TensorScope.Begin();
        long height = masks.Max(m => m.Size(0)), width = masks.Max(m => m.Size(1));
        var batch = Tensor.Full([masks.Count, height, width], ignoreIndex, DType.Int64);
        for (int i = 0; i < masks.Count; i++)
            batch[i, ..(int)masks[i].Size(0), ..(int)masks[i].Size(1)].CopyFrom(masks[i].Long());
        return scope.Keep(batch);
    }
}
