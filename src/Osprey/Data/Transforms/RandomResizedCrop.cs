namespace Osprey.Data.Transforms;

/// <summary>
/// torchvision's RandomResizedCrop: a region covering a random fraction (scale) of the area with a random log-uniform
/// aspect ratio, tried 10 times, else a centre crop clamped to the ratio range; then resized (bilinear, no antialias).
/// The region depends on the image's size only, so a loader can decode just that region (<see cref="ICropFirstTransform"/>).
/// </summary>
public sealed class RandomResizedCrop(long height, long width, double minScale = 0.08, double maxScale = 1.0,
                                      double minRatio = 3.0 / 4, double maxRatio = 4.0 / 3) : ICropFirstTransform
{
    public Sample Apply(Sample sample, Random random)
    {
        var r = ChooseRegion(sample.Height, sample.Width, random);
        return ApplyToRegion(Geometry.Crop(sample, r.Top, r.Left, r.Height, r.Width), random);
    }

    public PixelRegion ChooseRegion(long imageHeight, long imageWidth, Random random)
    {
        var (top, left, h, w) = SampleRegion(imageHeight, imageWidth, random, minScale, maxScale, minRatio, maxRatio);
        return new PixelRegion(top, left, h, w);
    }

    public Sample ApplyToRegion(Sample cropped, Random random) => Geometry.Resize(cropped, height, width);

    /// <summary>The crop (top, left, height, width) for an image of imageHeight x imageWidth (torchvision's get_params).</summary>
    public static (long Top, long Left, long Height, long Width) SampleRegion(long imageHeight, long imageWidth, Random random,
        double minScale = 0.08, double maxScale = 1.0, double minRatio = 3.0 / 4, double maxRatio = 4.0 / 3)
    {
        double area = imageHeight * imageWidth;
        double logMin = Math.Log(minRatio), logMax = Math.Log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = area * Uniform(random, minScale, maxScale);
            double aspect = Math.Exp(Uniform(random, logMin, logMax));
            // Python's round() rounds halves to even, as Math.Round does by default.
            long w = (long)Math.Round(Math.Sqrt(targetArea * aspect));
            long h = (long)Math.Round(Math.Sqrt(targetArea / aspect));
            if (0 < w && w <= imageWidth && 0 < h && h <= imageHeight)
            {
                long top = random.NextInt64(0, imageHeight - h + 1);
                long left = random.NextInt64(0, imageWidth - w + 1);
                return (top, left, h, w);
            }
        }
        double inRatio = (double)imageWidth / imageHeight;
        long cw, ch;
        if (inRatio < minRatio)
        {
            cw = imageWidth;
            ch = (long)Math.Round(cw / minRatio);
        }
        else if (inRatio > maxRatio)
        {
            ch = imageHeight;
            cw = (long)Math.Round(ch * maxRatio);
        }
        else
        {
            (cw, ch) = (imageWidth, imageHeight);
        }
        return ((imageHeight - ch) / 2, (imageWidth - cw) / 2, ch, cw);
    }

    static double Uniform(Random random, double low, double high) => low + random.NextDouble() * (high - low);
}
