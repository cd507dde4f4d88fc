using Osprey.Torch;

namespace Osprey.Data.Transforms.Detr;

/// <summary>DETR's target boxes, as the official Normalize transform leaves them.</summary>
public static class DetrBoxes
{
    /// <summary>
    /// The sample's boxes (x0, y0, x1, y1 in pixels) as (cx, cy, w, h) divided by the image's (width, height), in float32
    /// as the official box_xyxy_to_cxcywh then division: cx = (x0 + x1) / 2, w = x1 - x0. (0, 4) when the sample has none.
    /// </summary>
    public static Tensor NormalizedCxCyWh(Sample sample) =>
        sample.Boxes is null ? Tensor.Zeros([0, 4]) : NormalizedCxCyWh(sample.Boxes, sample.Height, sample.Width);

    /// <summary>Pixel boxes (N, 4) x0, y0, x1, y1 of an image of height x width (its own size, not a padded batch's) as
    /// normalized (cx, cy, w, h), computed as <see cref="NormalizedCxCyWh(Sample)"/>.</summary>
    public static Tensor NormalizedCxCyWh(Tensor boxes, long height, long width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"DETR boxes: image size {height}x{width} must be positive");
        float w = width, h = height;
        return DetrGeometry.FromRows(DetrGeometry.Rows(boxes).Select(b => new[]
        {
            (b[0] + b[2]) / 2 / w, (b[1] + b[3]) / 2 / h, (b[2] - b[0]) / w, (b[3] - b[1]) / h,
        }).ToArray());
    }
}
