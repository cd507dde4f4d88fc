using Osprey.Models.Detection.Boxes;
using Osprey.Torch;

namespace Osprey.Models.Detection.Yolo.Loss;

/// <summary>
/// The objects of one image for the YOLO loss: <see cref="Classes"/> (Ni) int64 class ids and <see cref="Boxes"/>
/// (Ni, 4) as (x0, y0, x1, y1) in pixels of the network input (after letterbox/mosaic), what a detection dataset
/// gives. ultralytics' batches carry normalized (cx, cy, w, h) labels instead; <see cref="FromNormalized"/> converts
/// them as its v8DetectionLoss.preprocess does (times the input width/height, then to corners).
/// </summary>
public sealed record DetectionTarget(Tensor Classes, Tensor Boxes)
{
    public long Count => Classes.Size(0);

    /// <summary>From normalized (cx, cy, w, h) labels (Ni, 4) of an input of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static DetectionTarget FromNormalized(Tensor classes, Tensor normalizedCxCyWh, double width, double height)
    {
        if (normalizedCxCyWh.Dim != 2 || normalizedCxCyWh.Size(1) != 4)
            throw new ArgumentException($"DetectionTarget: normalized labels must be (N, 4) cx, cy, w, h, got {normalizedCxCyWh.Describe()}");
        using var scope = TensorScope.Begin();
        var scale = Tensor.From([width, height, width, height], 4).To(normalizedCxCyWh.DType).To(normalizedCxCyWh.Device);
        return new DetectionTarget(scope.Keep(classes.Long()), scope.Keep(BoxFormat.CxCyWhToXyXy(normalizedCxCyWh * scale)));
    }

    /// <summary>Throws naming image <paramref name="image"/> and what is wrong: shapes, class range, finite boxes.</summary>
    public void Validate(int image, long numClasses)
    {
        if (Classes.Dim != 1)
            throw new ArgumentException($"target {image}: classes must be (N), got {Classes.Describe()}");
        if (Boxes.Dim != 2 || Boxes.Size(1) != 4 || Boxes.Size(0) != Classes.Size(0))
            throw new ArgumentException($"target {image}: boxes must be ({Classes.Size(0)}, 4) x0, y0, x1, y1, got {Boxes.Describe()}");
        if (Classes.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"target {image}: classes must be integer class ids, got {Classes.DType}");
        if (Count == 0) return;
        using var scope = TensorScope.Begin();
        long min = Classes.Min().Item<long>(), max = Classes.Max().Item<long>();
        if (min < 0 || max >= numClasses)
            throw new ArgumentException($"target {image}: classes must be in [0, {numClasses}), got values in [{min}, {max}]");
        if (!Boxes.IsFinite().All().Item<bool>())
            throw new ArgumentException($"target {image}: boxes contain NaN or infinite coordinates");
    }
}
