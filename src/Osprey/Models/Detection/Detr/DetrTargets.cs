using Osprey.Data;
using Osprey.Data.Transforms.Detr;
using Osprey.Torch;

namespace Osprey.Models.Detection.Detr;

/// <summary>DETR's targets from a collated batch: each image's labels, and its pixel boxes normalized to (cx, cy, w, h)
/// by that image's own size in the batch (before padding), as the official Normalize transform does per sample.</summary>
public static class DetrTargets
{
    /// <summary>One target per image (tensors in the caller's scope); throws when the batch carries no boxes.</summary>
    public static IReadOnlyList<DetrTarget> FromBatch(Batch batch)
    {
        if (batch.Boxes is null || batch.BoxLabels is null)
            throw new ArgumentException($"DETR targets: batch {batch.Number} has no boxes (samples {string.Join(", ", batch.Sources.Select(s => s ?? "?"))})");
        var targets = new List<DetrTarget>();
        for (int i = 0; i < batch.Count; i++)
        {
            var (height, width) = batch.Input.Sizes[i];
            targets.Add(new DetrTarget(batch.BoxLabels[i].To(DType.Int64), DetrBoxes.NormalizedCxCyWh(batch.Boxes[i], height, width)));
        }
        return targets;
    }
}
