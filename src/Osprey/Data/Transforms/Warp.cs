using Osprey.Torch;

namespace Osprey.Data.Transforms;

/// <summary>
/// Resamples a sample through a per-pixel source map (where each output pixel reads from): the image bilinearly, the
/// mask by nearest neighbour (class ids are never blended). With <see cref="WarpBorder.Fill"/> image pixels read from
/// outside are the fill colour (blended at the edge as a constant border would be) and mask pixels become ignore; with
/// <see cref="WarpBorder.Mirror"/> both read the reflected image (nothing is invented). Segmentation only: boxes are refused.
/// </summary>
public static class Warp
{
    static readonly Op gridSampler = new("aten::grid_sampler");

    public static Sample Apply(Sample s, Tensor sourceX, Tensor sourceY, WarpBorder border, IReadOnlyList<double> fill, string transform)
    {
        if (s.Boxes != null) throw new ArgumentException($"{transform} moves images and masks, not boxes{(s.Source is { } src ? $" ({src})" : "")}");
        using var scope = TensorScope.Begin();
        long h = s.Height, w = s.Width, c = s.Image.Size(0);
        // grid_sample with align_corners=True: -1 and 1 are the centres of the first and last pixels.
        var gx = w > 1 ? sourceX * (2.0 / (w - 1)) - 1 : sourceX * 0;
        var gy = h > 1 ? sourceY * (2.0 / (h - 1)) - 1 : sourceY * 0;
        var grid = Tensor.Stack([gx.Float(), gy.Float()], -1).Unsqueeze(0);
        long padding = border == WarpBorder.Fill ? 0 : 2;
        var dtype = s.Image.DType;
        var pixels = s.Image.Float().Unsqueeze(0);
        Tensor image;
        if (border == WarpBorder.Fill)
        {
            if (fill.Count != c) throw new ArgumentException($"{transform}: {fill.Count} fill values for {c} image channels");
            var withCoverage = Tensor.Cat([pixels, Tensor.Ones([1, 1, h, w])], 1);
            var sampled = gridSampler.Tensor(withCoverage, grid, 0L, padding, true).Squeeze(0);
            var coverage = sampled.Narrow(0, c, 1);
            var colour = Tensor.From(fill.Select(v => (float)v).ToArray(), c, 1, 1);
            image = sampled.Narrow(0, 0, c) + (1 - coverage) * colour;
        }
        else image = gridSampler.Tensor(pixels, grid, 0L, padding, true).Squeeze(0);
        if (!dtype.IsFloatingPoint()) image = image.Round().Clamp(0, dtype == DType.UInt8 ? 255 : 65535).To(dtype);
        Tensor? mask = null;
        if (s.Mask != null)
        {
            // Stored as id + 1 so that 0 marks "read from outside" (zeros padding) and becomes ignore.
            var ids = gridSampler.Tensor(s.Mask.Double().Add(1).Unsqueeze(0).Unsqueeze(0), grid.Double(), 1L, padding, true).Squeeze(0).Squeeze(0);
            mask = Tensor.Where(ids.Eq(0), Tensor.Full([h, w], Sample.IgnoreIndex, DType.Float64), ids - 1).To(s.Mask.DType);
        }
        return Geometry.Keep(scope, s, s with { Image = image, Mask = mask });
    }

    /// <summary>The pixel grid: (x, y) coordinates of every output pixel, each (H, W) float64.</summary>
    public static (Tensor X, Tensor Y) PixelGrid(long height, long width)
    {
        using var scope = TensorScope.Begin();
        var grid = Tensor.Meshgrid([Tensor.Arange(0.0, height, 1, DType.Float64), Tensor.Arange(0.0, width, 1, DType.Float64)]);
        return (scope.Keep(grid[1]), scope.Keep(grid[0]));
    }
}

/// <summary>What a warp reads outside the image.</summary>
public enum WarpBorder
{
    /// <summary>The fill colour for the image, ignore for the mask.</summary>
    Fill,
    /// <summary>The mirrored image and mask.</summary>
    Mirror,
}
