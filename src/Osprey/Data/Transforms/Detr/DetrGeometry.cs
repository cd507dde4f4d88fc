using Osprey.Torch;

namespace Osprey.Data.Transforms.Detr;

/// <summary>
/// The geometric steps of facebookresearch/detr's datasets/transforms.py on a sample (uint8 CHW image, boxes x0, y0,
/// x1, y1 in pixels, labels), with its arithmetic: images resized as Pillow does (<see cref="PilBilinear"/>), boxes
/// scaled by float32 ratios, crops that clip boxes to the region and drop those left with no width or height.
/// </summary>
public static class DetrGeometry
{
    /// <summary>
    /// The official get_size_with_aspect_ratio: the shorter side becomes <paramref name="size"/> (the longer one scaled
    /// and truncated), unless that makes the longer side exceed <paramref name="maxSize"/>, in which case the shorter
    /// side becomes round(maxSize * shorter / longer) (halves to even, as Python's round).
    /// </summary>
    public static (long Height, long Width) SizeWithAspectRatio(long height, long width, long size, long? maxSize)
    {
        if (height <= 0 || width <= 0 || size <= 0)
            throw new ArgumentException($"DETR resize of a {height}x{width} image to {size}: sizes must be positive");
        if (maxSize is { } max)
        {
            double shorter = Math.Min(width, height), longer = Math.Max(width, height);
            if (longer / shorter * size > max) size = (long)Math.Round(max * shorter / longer, MidpointRounding.ToEven);
        }
        if ((width <= height && width == size) || (height <= width && height == size)) return (height, width);
        return width < height
            ? ((long)((double)(size * height) / width), size)
            : (size, (long)((double)(size * width) / height));
    }

    /// <summary>Resizes the image to height x width as Pillow does; boxes times (new / old) per axis, the ratios in float32.</summary>
    public static Sample Resize(Sample s, long height, long width)
    {
        RequireUInt8(s);
        if (height == s.Height && width == s.Width) return s;
        using var scope = TensorScope.Begin();
        var image = PilBilinear.Resize(s.Image, height, width);
        Tensor? boxes = null;
        if (s.Boxes != null)
        {
            float rw = (float)((double)width / s.Width), rh = (float)((double)height / s.Height);
            boxes = Map(s.Boxes, b => [b[0] * rw, b[1] * rh, b[2] * rw, b[3] * rh]);
        }
        return Geometry.Keep(scope, s, s with { Image = image, Boxes = boxes });
    }

    /// <summary>
    /// The region top/left/height/width (inside the image). Boxes are shifted, clipped to the region, and removed with
    /// their labels when no width or no height is left (x1 &gt; x0 and y1 &gt; y0 must hold), as the official crop.
    /// </summary>
    public static Sample Crop(Sample s, long top, long left, long height, long width)
    {
        RequireUInt8(s);
        if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > s.Height || left + width > s.Width)
            throw new ArgumentException($"DETR crop (top {top}, left {left}, {height}x{width}) outside the {s.Height}x{s.Width} image" +
                                        (s.Source is { } src ? $" {src}" : ""));
        using var scope = TensorScope.Begin();
        var image = s.Image.Narrow(1, top, height).Narrow(2, left, width).Contiguous();
        var result = s with { Image = image };
        if (s.Boxes != null)
        {
            var shifted = Rows(s.Boxes).Select(b => new[]
            {
                Math.Max(Math.Min(b[0] - left, width), 0f), Math.Max(Math.Min(b[1] - top, height), 0f),
                Math.Max(Math.Min(b[2] - left, width), 0f), Math.Max(Math.Min(b[3] - top, height), 0f),
            }).ToArray();
            var keep = Enumerable.Range(0, shifted.Length).Where(i => shifted[i][2] > shifted[i][0] && shifted[i][3] > shifted[i][1]).ToArray();
            result = result with { Boxes = FromRows(keep.Select(i => shifted[i]).ToArray()) };
            if (s.BoxLabels != null)
            {
                var labels = s.BoxLabels.ToArray<long>();
                if (labels.Length != shifted.Length)
                    throw new ArgumentException($"DETR crop: {shifted.Length} boxes but {labels.Length} labels" + (s.Source is { } src ? $" in {src}" : ""));
                result = result with { BoxLabels = Tensor.From(keep.Select(i => labels[i]).ToArray(), keep.Length) };
            }
        }
        return Geometry.Keep(scope, s, result);
    }

    static void RequireUInt8(Sample s)
    {
        if (s.Image.Dim != 3 || s.Image.DType != DType.UInt8)
            throw new ArgumentException($"DETR transforms work on uint8 (C, H, W) images before ToFloat, as the official PIL pipeline; " +
                                        $"got {s.Image.Describe()}" + (s.Source is { } src ? $" from {src}" : ""));
    }

    internal static float[][] Rows(Tensor boxes)
    {
        if (boxes.Dim != 2 || boxes.Size(1) != 4 || boxes.DType != DType.Float32)
            throw new ArgumentException($"DETR transforms: boxes must be float32 (N, 4), got {boxes.Describe()}");
        var flat = boxes.Contiguous().ToArray<float>();
        return Enumerable.Range(0, (int)boxes.Size(0)).Select(i => flat.AsSpan(4 * i, 4).ToArray()).ToArray();
    }

    internal static Tensor FromRows(float[][] rows) => Tensor.From(rows.SelectMany(r => r).ToArray(), rows.Length, 4);

    static Tensor Map(Tensor boxes, Func<float[], float[]> map) => FromRows(Rows(boxes).Select(map).ToArray());
}
