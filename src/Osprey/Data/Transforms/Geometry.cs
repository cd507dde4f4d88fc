using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Data.Transforms;

/// <summary>
/// The geometric operations every transform is built from, applied to a sample's image, boxes and mask together.
/// Boxes are clipped to the new image but never dropped here (a box cropped to zero area stays, for the detection
/// pipeline to filter with its own rule). Padded mask areas get <see cref="Sample.IgnoreIndex"/>.
/// </summary>
public static class Geometry
{
    /// <summary>Bilinear resize (align_corners=False, no antialias) of the image, nearest for the mask, boxes scaled:
    /// torchvision's tensor Resize with antialias=False (integer images are rounded back to their dtype).</summary>
    public static Sample Resize(Sample s, long height, long width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"resize to {height}x{width}: sizes must be positive");
        if (height == s.Height && width == s.Width) return s;
        using var scope = TensorScope.Begin();
        var image = ResizeImage(s.Image, height, width);
        var mask = s.Mask == null ? null : ResizeNearest(s.Mask, height, width);
        var boxes = s.Boxes == null ? null : s.Boxes * Tensor.From(new[]
        {
            (float)width / s.Width, (float)height / s.Height, (float)width / s.Width, (float)height / s.Height,
        });
        return Keep(scope, s, s with { Image = image, Mask = mask, Boxes = boxes });
    }

    static Tensor ResizeImage(Tensor chw, long height, long width)
    {
        var dtype = chw.DType;
        var batch = chw.Unsqueeze(0);
        if (!dtype.IsFloatingPoint()) batch = batch.Float();
        var resized = Functional.Interpolate(batch, [height, width], mode: "bilinear", alignCorners: false).Squeeze(0);
        if (dtype.IsFloatingPoint()) return resized;
        var (min, max) = dtype == DType.UInt8 ? (0.0, 255.0) : (0.0, 65535.0);
        return resized.Round().ClampInPlace(min, max).To(dtype);
    }

    static Tensor ResizeNearest(Tensor mask, long height, long width)
    {
        // Through float: exact for class ids below 2^24.
        var resized = Functional.Interpolate(mask.Unsqueeze(0).Unsqueeze(0).Float(), [height, width], mode: "nearest");
        return resized.Squeeze(0).Squeeze(0).To(mask.DType);
    }

    /// <summary>The region top/left/height/width of the sample; parts outside the image are padded (zeros, ignore in the mask).</summary>
    public static Sample Crop(Sample s, long top, long left, long height, long width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"crop of {height}x{width}: sizes must be positive");
        using var scope = TensorScope.Begin();
        var input = s;
        long padLeft = Math.Max(0, -left), padTop = Math.Max(0, -top);
        long padRight = Math.Max(0, left + width - s.Width), padBottom = Math.Max(0, top + height - s.Height);
        if (padLeft + padTop + padRight + padBottom > 0)
        {
            s = Pad(s, padLeft, padTop, padRight, padBottom);
            top += padTop;
            left += padLeft;
        }
        var image = s.Image.Narrow(-2, top, height).Narrow(-1, left, width);
        var mask = s.Mask?.Narrow(-2, top, height).Narrow(-1, left, width);
        Tensor? boxes = null;
        if (s.Boxes != null)
        {
            var shifted = s.Boxes - Tensor.From(new float[] { left, top, left, top });
            var limits = Tensor.From(new float[] { width, height, width, height });
            boxes = shifted.Clamp(Tensor.Zeros([4]), limits);
        }
        return Keep(scope, input, s with { Image = image, Mask = mask, Boxes = boxes });
    }

    /// <summary>Pads the image with <paramref name="fill"/> (the mask with ignore) and shifts the boxes.</summary>
    public static Sample Pad(Sample s, long left, long top, long right, long bottom, double fill = 0)
    {
        if (left < 0 || top < 0 || right < 0 || bottom < 0) throw new ArgumentException("padding must not be negative");
        if (left + top + right + bottom == 0) return s;
        using var scope = TensorScope.Begin();
        long[] padding = [left, right, top, bottom];
        var image = Functional.Pad(s.Image, padding, value: fill);
        var mask = s.Mask == null ? null : Functional.Pad(s.Mask, padding, value: Sample.IgnoreIndex);
        var boxes = s.Boxes == null ? null : s.Boxes + Tensor.From(new float[] { left, top, left, top });
        return Keep(scope, s, s with { Image = image, Mask = mask, Boxes = boxes });
    }

    public static Sample FlipHorizontal(Sample s)
    {
        using var scope = TensorScope.Begin();
        Tensor? boxes = null;
        if (s.Boxes != null)
        {
            // x1' = W - x2, x2' = W - x1
            var x = s.Boxes.IndexSelect(1, Tensor.From(new long[] { 2, 1, 0, 3 }));
            boxes = x * Tensor.From(new float[] { -1, 1, -1, 1 }) + Tensor.From(new float[] { s.Width, 0, s.Width, 0 });
        }
        return Keep(scope, s, s with { Image = s.Image.Flip(-1), Mask = s.Mask?.Flip(-1), Boxes = boxes });
    }

    public static Sample FlipVertical(Sample s)
    {
        using var scope = TensorScope.Begin();
        Tensor? boxes = null;
        if (s.Boxes != null)
        {
            var y = s.Boxes.IndexSelect(1, Tensor.From(new long[] { 0, 3, 2, 1 }));
            boxes = y * Tensor.From(new float[] { 1, -1, 1, -1 }) + Tensor.From(new float[] { 0, s.Height, 0, s.Height });
        }
        return Keep(scope, s, s with { Image = s.Image.Flip(-2), Mask = s.Mask?.Flip(-2), Boxes = boxes });
    }

    /// <summary>Moves the result's new tensors (all made inside <paramref name="scope"/>) out to the caller; tensors
    /// carried over unchanged from <paramref name="input"/> keep their owner.</summary>
    internal static Sample Keep(TensorScope scope, Sample input, Sample result)
    {
        var carried = input.Tensors().ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var t in result.Tensors())
            if (!carried.Contains(t)) scope.Keep(t);
        return result;
    }
}
