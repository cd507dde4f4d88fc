using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Data.Transforms;

/// <summary>
/// Random resize by one factor drawn uniformly from [min, max] (the PSPNet paper's 0.5-2): bilinear image, nearest
/// mask, size = round(size * factor) as OpenCV's resize with fx = fy = factor gives it.
/// </summary>
public sealed class RandomScale(double min = 0.5, double max = 2.0) : ITransform
{
    public Sample Apply(Sample sample, Random random)
    {
        if (!(min > 0 && max >= min)) throw new ArgumentException($"random scale [{min}, {max}]: need 0 < min <= max");
        double factor = min + (max - min) * random.NextDouble();
        long h = Math.Max(1, (long)Math.Round(sample.Height * factor)), w = Math.Max(1, (long)Math.Round(sample.Width * factor));
        return Geometry.Resize(sample, h, w);
    }
}

/// <summary>
/// With probability <paramref name="p"/>, rotation about the image centre by an angle drawn uniformly from
/// [-maxDegrees, maxDegrees] (the PSPNet paper's -10..10), keeping the size: the image bilinear with the corners
/// filled by <paramref name="fill"/> (the mean colour), the mask nearest with the corners ignore.
/// </summary>
public sealed class RandomRotation(double maxDegrees = 10, double[]? fill = null, double p = 0.5) : ITransform
{
    public IReadOnlyList<double> Fill { get; } = fill ?? SegmentationFill.ImageNetMean;

    public Sample Apply(Sample sample, Random random)
    {
        if (random.NextDouble() >= p) return sample;
        double angle = (2 * random.NextDouble() - 1) * maxDegrees * Math.PI / 180;
        return Rotate(sample, angle, Fill);
    }

    /// <summary>Rotates by <paramref name="radians"/> (counter-clockwise on screen) about the centre.</summary>
    public static Sample Rotate(Sample sample, double radians, IReadOnlyList<double> fill)
    {
        using var scope = TensorScope.Begin();
        var (x, y) = Warp.PixelGrid(sample.Height, sample.Width);
        double cx = (sample.Width - 1) / 2.0, cy = (sample.Height - 1) / 2.0, cos = Math.Cos(radians), sin = Math.Sin(radians);
        // Output pixel p reads from R(-angle) (p - c) + c; y grows downwards, so the screen rotation is counter-clockwise.
        var dx = x - cx;
        var dy = y - cy;
        var sourceX = dx * cos - dy * sin + cx;
        var sourceY = dx * sin + dy * cos + cy;
        var result = Warp.Apply(sample, sourceX, sourceY, WarpBorder.Fill, fill, "random rotation");
        return Geometry.Keep(scope, sample, result);
    }
}

/// <summary>
/// With probability <paramref name="p"/>, a Gaussian blur of the image (the mask is untouched) with a
/// <paramref name="kernel"/> x kernel window, as OpenCV's GaussianBlur(image, (k, k), 0) computes it (the PSPNet
/// authors' RandomGaussianBlur, radius 5): OpenCV's fixed binomial taps for k = 3, 5, 7 ([1 4 6 4 1] / 16 for 5),
/// otherwise sampled with sigma = 0.3 ((k - 1) / 2 - 1) + 0.8; borders reflected without repeating the edge.
/// </summary>
public sealed class RandomGaussianBlur(int kernel = 5, double p = 0.5) : ITransform
{
    public Sample Apply(Sample sample, Random random) => random.NextDouble() < p ? Blur(sample, kernel) : sample;

    public static Sample Blur(Sample sample, int kernel)
    {
        if (kernel < 3 || kernel % 2 == 0) throw new ArgumentException($"Gaussian blur kernel {kernel} must be odd and at least 3");
        using var scope = TensorScope.Begin();
        var taps = Taps(kernel);
        double total = taps.Sum();
        long c = sample.Image.Size(0);
        var row = Tensor.From(taps.Select(t => (float)(t / total)).ToArray(), 1, 1, 1, kernel).Expand(c, 1, 1, kernel).Contiguous();
        var column = row.View(c, 1, kernel, 1);
        int half = kernel / 2;
        var dtype = sample.Image.DType;
        var x = Functional.Pad(sample.Image.Float().Unsqueeze(0), [half, half, half, half], mode: "reflect");
        x = Functional.Conv2d(x, row, null, [1, 1], [0, 0], [1, 1], c);
        x = Functional.Conv2d(x, column, null, [1, 1], [0, 0], [1, 1], c).Squeeze(0);
        if (!dtype.IsFloatingPoint()) x = x.Round().Clamp(0, dtype == DType.UInt8 ? 255 : 65535).To(dtype);
        return sample with { Image = scope.Keep(x) };
    }

    /// <summary>OpenCV's getGaussianKernel(k, 0): its small_gaussian_tab for k &lt;= 7, else exp(-(i - k/2)^2 / 2 sigma^2).</summary>
    static double[] Taps(int kernel)
    {
        switch (kernel)
        {
            case 3: return [1, 2, 1];
            case 5: return [1, 4, 6, 4, 1];
            case 7: return [1, 3.5, 7, 9, 7, 3.5, 1];  // 0.03125, 0.109375, 0.21875, 0.28125, ... times 32
        }
        double sigma = 0.3 * ((kernel - 1) * 0.5 - 1) + 0.8;
        return Enumerable.Range(0, kernel).Select(i => Math.Exp(-Math.Pow(i - kernel / 2, 2) / (2 * sigma * sigma))).ToArray();
    }
}

/// <summary>
/// Random crop to the training size (the PSPNet authors' Crop, type "rand"): an image smaller than the crop is first
/// padded evenly on both sides, the image with <paramref name="fill"/> (the mean colour) and the mask with ignore; then
/// a uniformly placed height x width window is taken.
/// </summary>
public sealed class RandomCropPadded(long height, long width, double[]? fill = null) : ITransform
{
    public IReadOnlyList<double> Fill { get; } = fill ?? SegmentationFill.ImageNetMean;

    public Sample Apply(Sample sample, Random random)
    {
        if (height < 1 || width < 1) throw new ArgumentException($"crop of {height}x{width}: sizes must be positive");
        long padH = Math.Max(height - sample.Height, 0), padW = Math.Max(width - sample.Width, 0);
        var padded = SegmentationFill.Pad(sample, padW / 2, padH / 2, padW - padW / 2, padH - padH / 2, Fill);
        long top = random.NextInt64(0, padded.Height - height + 1), left = random.NextInt64(0, padded.Width - width + 1);
        return Geometry.Crop(padded, top, left, height, width);
    }
}

/// <summary>Padding with a colour per channel.</summary>
public static class SegmentationFill
{
    /// <summary>The ImageNet mean colour in 0..255 (the PSPNet authors' padding value for uint8 images).</summary>
    public static readonly double[] ImageNetMean = [0.485 * 255, 0.456 * 255, 0.406 * 255];

    /// <summary>Pads the image with <paramref name="fill"/> per channel, the mask with ignore, and shifts the boxes.</summary>
    public static Sample Pad(Sample s, long left, long top, long right, long bottom, IReadOnlyList<double> fill)
    {
        if (left + top + right + bottom == 0) return s;
        long c = s.Image.Size(0);
        if (fill.Count != c) throw new ArgumentException($"padding: {fill.Count} fill values for {c} image channels");
        using var scope = TensorScope.Begin();
        var padded = Geometry.Pad(s, left, top, right, bottom);
        var dtype = s.Image.DType;
        var colour = fill.Select(v => dtype.IsFloatingPoint() ? v : Math.Round(v)).Select(v => (float)v).ToArray();
        var image = Tensor.From(colour, c, 1, 1).Expand(c, padded.Height, padded.Width).To(dtype).Contiguous();
        image.Narrow(1, top, s.Height).Narrow(2, left, s.Width).CopyFrom(s.Image);
        return Geometry.Keep(scope, s, padded with { Image = image });
    }
}
