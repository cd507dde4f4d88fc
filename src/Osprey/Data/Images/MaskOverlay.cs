using Osprey.Torch;

namespace Osprey.Data.Images;

/// <summary>A class mask drawn over its image: each labelled pixel blended with its class colour.</summary>
public static class MaskOverlay
{
    /// <param name="image">(3, H, W) uint8 RGB.</param>
    /// <param name="mask">(H, W) class ids; ids without a palette entry (ignore) leave the pixel as it is.</param>
    /// <param name="alpha">Weight of the class colour (0.5: half image, half colour).</param>
    public static Tensor Draw(Tensor image, Tensor mask, IReadOnlyList<Rgb> palette, double alpha = 0.5)
    {
        if (image.Dim != 3 || image.Size(0) != 3 || image.DType != DType.UInt8)
            throw new ArgumentException($"mask overlay: the image must be (3, H, W) uint8 RGB, got {image.Describe()}");
        if (mask.Dim != 2 || mask.Size(0) != image.Size(1) || mask.Size(1) != image.Size(2))
            throw new ArgumentException($"mask overlay: mask {mask.Describe()} does not match image {image.Describe()}");
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha is 0..1");
        using var scope = TensorScope.Begin();
        var ids = mask.Long();
        var known = ids.Ge(0) & ids.Lt(palette.Count);
        var colours = Tensor.From(palette.SelectMany(c => new float[] { c.R, c.G, c.B }).ToArray(), palette.Count, 3);
        var perPixel = colours.IndexSelect(0, ids.MaskedFill(known.LogicalNot(), 0).Flatten()).T.View(3, mask.Size(0), mask.Size(1));
        var pixels = image.Float();
        var blended = pixels * (1 - alpha) + perPixel * alpha;
        return scope.Keep(Tensor.Where(known.Unsqueeze(0), blended, pixels).Round().Clamp(0, 255).To(DType.UInt8));
    }
}
