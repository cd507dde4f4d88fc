namespace Osprey.Data.Transforms;

/// <summary>torchvision's CenterCrop: zero-pads first when the crop is larger than the image, then takes the centre
/// (top = round((H - h) / 2), halves to even as Python's round).</summary>
public sealed class CenterCrop(long height, long width) : ITransform
{
    public Sample Apply(Sample sample, Random random)
    {
        long padLeft = width > sample.Width ? (width - sample.Width) / 2 : 0;
        long padTop = height > sample.Height ? (height - sample.Height) / 2 : 0;
        long padRight = width > sample.Width ? (width - sample.Width + 1) / 2 : 0;
        long padBottom = height > sample.Height ? (height - sample.Height + 1) / 2 : 0;
        var padded = Geometry.Pad(sample, padLeft, padTop, padRight, padBottom);
        long top = (long)Math.Round((padded.Height - height) / 2.0), left = (long)Math.Round((padded.Width - width) / 2.0);
        return Geometry.Crop(padded, top, left, height, width);
    }
}

/// <summary>torchvision's RandomCrop with padding: pads every side by <paramref name="padding"/> (fill value), then takes a
/// uniformly placed height x width region (the CIFAR-style augmentation).</summary>
public sealed class RandomCrop(long height, long width, long padding = 0, double fill = 0) : ITransform
{
    public Sample Apply(Sample sample, Random random)
    {
        var padded = Geometry.Pad(sample, padding, padding, padding, padding, fill);
        if (padded.Height < height || padded.Width < width)
            throw new ArgumentException($"random crop of {height}x{width} from a {padded.Height}x{padded.Width} image " +
                                        $"(after padding {padding}){(sample.Source is { } src ? $" from {src}" : "")}");
        long top = random.NextInt64(0, padded.Height - height + 1);
        long left = random.NextInt64(0, padded.Width - width + 1);
        return Geometry.Crop(padded, top, left, height, width);
    }
}
