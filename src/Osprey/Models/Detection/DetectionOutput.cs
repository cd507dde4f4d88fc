using Osprey.Torch;

namespace Osprey.Models.Detection;

/// <summary>
/// What a YOLO detection model returns, in train and eval mode alike. <see cref="RawMaps"/>: one map per level,
/// (N, 4*reg_max + classes, H, W), what the loss consumes. In eval mode also the decoded predictions over all
/// A anchor points: <see cref="Boxes"/> (N, 4, A) as centre x, centre y, width, height in input pixels, and
/// <see cref="Scores"/> (N, classes, A) as per-class sigmoid probabilities; both null in train mode.
/// </summary>
public sealed record DetectionOutput(IReadOnlyList<Tensor> RawMaps, Tensor? Boxes, Tensor? Scores) : IModelOutput
{
    public bool IsDecoded => Boxes != null;

    public IEnumerable<Tensor> Tensors() => RawMaps.Concat(new[] { Boxes, Scores }.OfType<Tensor>());

    public void Dispose()
    {
        foreach (var map in RawMaps) map.Dispose();
        Boxes?.Dispose();
        Scores?.Dispose();
    }
}
