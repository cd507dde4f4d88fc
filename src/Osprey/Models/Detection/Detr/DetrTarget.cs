using Osprey.Torch;

namespace Osprey.Models.Detection.Detr;

/// <summary>One image's ground truth for DETR: <see cref="Labels"/> (T, int64 class ids) and <see cref="Boxes"/>
/// (T, 4) as (cx, cy, w, h) normalized by the image's size. T may be 0.</summary>
public sealed record DetrTarget(Tensor Labels, Tensor Boxes)
{
    public long Count => Labels.Size(0);

    public void Validate(int image, long numClasses)
    {
        if (Labels.Dim != 1 || Labels.DType != DType.Int64)
            throw new ArgumentException($"DETR target {image}: labels must be int64 (T), got {Labels.Describe()}");
        if (Boxes.Dim != 2 || Boxes.Size(1) != 4 || Boxes.Size(0) != Labels.Size(0))
            throw new ArgumentException($"DETR target {image}: boxes must be ({Labels.Size(0)}, 4), got {Boxes.Describe()}");
        if (Count > 0 && (Labels.Min().Item<long>() < 0 || Labels.Max().Item<long>() >= numClasses))
            throw new ArgumentException($"DETR target {image}: labels must be in [0, {numClasses})");
    }
}
