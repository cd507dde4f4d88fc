using Osprey.Torch;
using SkiaSharp;

namespace Osprey.Visuals;

/// <summary>
/// A model-input batch turned back into pictures: (N, C, H, W) float images normalized as torchvision's Normalize,
/// x = (pixel / 255 - mean) / std, become N bitmaps of pixel = round(255 (x std + mean)) clamped to [0, 255].
/// </summary>
public static class BatchImages
{
    public static List<SKBitmap> ToBitmaps(Tensor images, IReadOnlyList<float> mean, IReadOnlyList<float> std, int max = ImageGrid.MaxTiles)
    {
        if (images.Dim != 4 || !images.DType.IsFloatingPoint())
            throw new ArgumentException($"batch images {images.Describe()} must be (N, C, H, W) floating point");
        int n = (int)Math.Min(images.Size(0), max), channels = (int)images.Size(1), height = (int)images.Size(2), width = (int)images.Size(3);
        if (channels != mean.Count || channels != std.Count)
            throw new ArgumentException($"batch images have {channels} channels, the normalization {mean.Count} means and {std.Count} stds");
        float[] values;
        using (var scope = TensorScope.Begin())
            values = images.Narrow(0, 0, n).Float().Contiguous().ToArray<float>();
        int plane = height * width;
        var bitmaps = new List<SKBitmap>(n);
        for (int i = 0; i < n; i++)
        {
            var chw = new byte[channels * plane];
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++)
                {
                    double v = (values[(i * channels + c) * plane + p] * std[c] + mean[c]) * 255;
                    chw[c * plane + p] = (byte)Math.Clamp(Math.Round(v, MidpointRounding.AwayFromZero), 0, 255);
                }
            using var scope = TensorScope.Begin();
            bitmaps.Add(TensorBitmap.ToBitmap(Tensor.From(chw, channels, height, width)));
        }
        return bitmaps;
    }
}
