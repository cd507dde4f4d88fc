using Osprey.Models.Detection.Boxes;
using Osprey.Torch;

namespace Osprey.Models.Detection.Detr;

/// <summary>One image's detections: <see cref="Scores"/> (Q), <see cref="Labels"/> (Q, int64 class ids) and
/// <see cref="Boxes"/> (Q, 4) as (x0, y0, x1, y1) in pixels.</summary>
public sealed record Detections(Tensor Scores, Tensor Labels, Tensor Boxes) : IDisposable
{
    public void Dispose()
    {
        Scores.Dispose();
        Labels.Dispose();
        Boxes.Dispose();
    }
}

/// <summary>
/// DETR's PostProcess: per query, the softmax over classes without the no-object class gives the score (its
/// maximum) and the label (its arg-max); the box goes from normalized (cx, cy, w, h) to (x0, y0, x1, y1) scaled by
/// the image's (width, height) — the original size, to undo the resize the input went through. Every query is
/// kept; thresholding is the caller's choice.
/// </summary>
public static class DetrPostProcess
{
    public static IReadOnlyList<Detections> Run(DetrOutput output, IReadOnlyList<(long Height, long Width)> imageSizes)
    {
        var (logits, boxes) = (output.Logits, output.Boxes);
        if (logits.Dim != 3 || boxes.Dim != 3 || boxes.Size(-1) != 4 || logits.Size(0) != boxes.Size(0))
            throw new ArgumentException($"DetrPostProcess: expected logits (N, Q, C+1) and boxes (N, Q, 4), got {logits.Describe()} and {boxes.Describe()}");
        if (imageSizes.Count != logits.Size(0))
            throw new ArgumentException($"DetrPostProcess: {imageSizes.Count} image sizes for a batch of {logits.Size(0)}");

        using var scope = TensorScope.Begin();
        var probabilities = logits.Softmax(-1);
        var (scores, labels) = probabilities.Narrow(-1, 0, probabilities.Size(-1) - 1).Max(-1);
        var scale = Tensor.From(imageSizes.SelectMany(s => new[] { (float)s.Width, s.Height, s.Width, s.Height }).ToArray(),
                                imageSizes.Count, 1, 4).To(boxes.Device).To(boxes.DType);
        var pixels = BoxFormat.CxCyWhToXyXy(boxes) * scale;
        var results = new List<Detections>();
        for (int i = 0; i < imageSizes.Count; i++)
        {
            var detections = new Detections(scores.Select(0, i), labels.Select(0, i), pixels.Select(0, i));
            scope.Keep(detections.Scores, detections.Labels, detections.Boxes);
            results.Add(detections);
        }
        return results;
    }
}
