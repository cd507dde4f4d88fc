using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Segmentation.Inference;

/// <summary>
/// Ways to turn a logits function (images (N, C, h, w) -> class logits (N, K, h', w')) into logits for whole images,
/// independent of the model behind it. Logits returned below the input's resolution are resized bilinearly
/// (align_corners false) to it, as mmsegmentation's encode_decode does. Run them under no-grad / inference mode.
/// </summary>
public static class SegmentationInference
{
    /// <summary>The whole image at once; logits at the image's size.</summary>
    public static Tensor Whole(Func<Tensor, Tensor> logits, Tensor images)
    {
        CheckImages(images);
        using var scope = TensorScope.Begin();
        return scope.Keep(AtInputSize(logits, images));
    }

    /// <summary>
    /// mmsegmentation's slide_inference: crops of <paramref name="crop"/> placed every <paramref name="stride"/> pixels
    /// (grids = ceil((size - crop) / stride) + 1, the last crop moved back flush with the border, a crop larger than the
    /// image shrunk to it); each pixel's logits are the mean over the crops covering it.
    /// </summary>
    public static Tensor Slide(Func<Tensor, Tensor> logits, Tensor images, (long Height, long Width) crop, (long Height, long Width) stride)
    {
        CheckImages(images);
        if (crop.Height < 1 || crop.Width < 1 || stride.Height < 1 || stride.Width < 1)
            throw new ArgumentException($"sliding window: crop {crop.Height}x{crop.Width} and stride {stride.Height}x{stride.Width} must be positive");
        if (stride.Height > crop.Height || stride.Width > crop.Width)
            throw new ArgumentException($"sliding window: stride {stride.Height}x{stride.Width} larger than the crop {crop.Height}x{crop.Width} leaves pixels uncovered");
        using var scope = TensorScope.Begin();
        long n = images.Size(0), h = images.Size(2), w = images.Size(3);
        Tensor? sum = null;
        var count = Tensor.Zeros([1, 1, h, w]);
        foreach (var (y1, x1, y2, x2) in SlideWindows(h, w, crop, stride))
        {
            using var cropScope = TensorScope.Begin();
            var window = images.Narrow(2, y1, y2 - y1).Narrow(3, x1, x2 - x1);
            var part = AtInputSize(logits, window);
            sum ??= cropScope.Keep(Tensor.Zeros([n, part.Size(1), h, w], part.DType));
            sum.Narrow(2, y1, y2 - y1).Narrow(3, x1, x2 - x1).AddInPlace(part);
            count.Narrow(2, y1, y2 - y1).Narrow(3, x1, x2 - x1).AddInPlace(1.0);
        }
        return scope.Keep(sum! / count.To(sum!.DType));
    }

    /// <summary>The crops of <see cref="Slide"/> over a height x width image, row by row: (top, left, bottom, right).</summary>
    public static IEnumerable<(long Top, long Left, long Bottom, long Right)> SlideWindows(long height, long width, (long Height, long Width) crop,
                                                                                           (long Height, long Width) stride)
    {
        long rows = Math.Max(height - crop.Height + stride.Height - 1, 0) / stride.Height + 1;
        long cols = Math.Max(width - crop.Width + stride.Width - 1, 0) / stride.Width + 1;
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++)
            {
                long y2 = Math.Min(r * stride.Height + crop.Height, height), x2 = Math.Min(c * stride.Width + crop.Width, width);
                yield return (Math.Max(y2 - crop.Height, 0), Math.Max(x2 - crop.Width, 0), y2, x2);
            }
    }

    /// <summary>
    /// The UNet paper's overlap-tile strategy for a valid (unpadded) network that maps <paramref name="tileIn"/> input
    /// pixels to the centre <paramref name="tileOut"/>: the image is extended by mirroring (reflection without repeating
    /// the edge, repeated as often as a small image needs) by the margin (tileIn - tileOut) / 2 plus what completes the
    /// last tile, predicted tile by tile, and cropped back, so any image size gets a full-size mask.
    /// </summary>
    public static Tensor OverlapTile(Func<Tensor, Tensor> logits, Tensor images, long tileIn, long tileOut)
    {
        CheckImages(images);
        if (tileOut < 1 || tileIn < tileOut || (tileIn - tileOut) % 2 != 0)
            throw new ArgumentException($"overlap-tile: input tile {tileIn} and output tile {tileOut} need tileIn >= tileOut and an even difference");
        using var scope = TensorScope.Begin();
        long h = images.Size(2), w = images.Size(3), margin = (tileIn - tileOut) / 2;
        long rows = (h + tileOut - 1) / tileOut, cols = (w + tileOut - 1) / tileOut;
        var extended = Mirror(images, 2, margin, rows * tileOut - h + margin);
        extended = Mirror(extended, 3, margin, cols * tileOut - w + margin);
        Tensor? result = null;
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++)
            {
                using var tileScope = TensorScope.Begin();
                var tile = extended.Narrow(2, r * tileOut, tileIn).Narrow(3, c * tileOut, tileIn);
                var part = logits(tile);
                if (part.Dim != 4 || part.Size(2) != tileOut || part.Size(3) != tileOut)
                    throw new ArgumentException($"overlap-tile: the logits function mapped a {tileIn}x{tileIn} tile to {part.Describe()}, expected {tileOut}x{tileOut}");
                result ??= tileScope.Keep(Tensor.Zeros([images.Size(0), part.Size(1), rows * tileOut, cols * tileOut], part.DType));
                result.Narrow(2, r * tileOut, tileOut).Narrow(3, c * tileOut, tileOut).CopyFrom(part);
            }
        return scope.Keep(result!.Narrow(2, 0, h).Narrow(3, 0, w).Contiguous());
    }

    /// <summary>Extends dimension <paramref name="dim"/> by mirrored copies (numpy's pad mode "reflect", any length).</summary>
    public static Tensor Mirror(Tensor x, long dim, long before, long after)
    {
        using var scope = TensorScope.Begin();
        long size = x.Size(dim), period = 2 * (size - 1);
        var index = new long[size + before + after];
        for (long i = 0; i < index.Length; i++)
        {
            long source = i - before;
            if (size == 1) source = 0;
            else
            {
                source = ((source % period) + period) % period;
                if (source >= size) source = period - source;
            }
            index[i] = source;
        }
        return scope.Keep(x.IndexSelect(dim, Tensor.From(index, index.Length)));
    }

    /// <summary>Logits resized bilinearly (align_corners false) to height x width: back to the original image size.</summary>
    public static Tensor Resize(Tensor logits, long height, long width) =>
        logits.Size(2) == height && logits.Size(3) == width
            ? logits.Alias()
            : Functional.Interpolate(logits, [height, width], mode: "bilinear", alignCorners: false);

    static Tensor AtInputSize(Func<Tensor, Tensor> logits, Tensor images)
    {
        var y = logits(images);
        if (y.Dim != 4 || y.Size(0) != images.Size(0))
            throw new ArgumentException($"the logits function mapped images {images.Describe()} to {y.Describe()}, expected (N, classes, h, w)");
        return Resize(y, images.Size(2), images.Size(3));
    }

    internal static void CheckImages(Tensor images)
    {
        if (images.Dim != 4 || !images.DType.IsFloatingPoint())
            throw new ArgumentException($"segmentation inference takes float images (N, C, H, W), got {images.Describe()}");
    }
}
