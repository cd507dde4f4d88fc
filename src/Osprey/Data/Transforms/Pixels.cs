using Osprey.Torch;

namespace Osprey.Data.Transforms;

/// <summary>Integer images to float32 in [0, 1]: uint8 / 255, 16-bit (int32) / 65535; float images pass unchanged.</summary>
public sealed class ToFloat : ITransform
{
    public Sample Apply(Sample sample, Random random)
    {
        var dtype = sample.Image.DType;
        if (dtype.IsFloatingPoint()) return sample;
        double max = dtype switch
        {
            DType.UInt8 => 255,
            DType.Int32 => 65535,
            _ => throw new ArgumentException($"ToFloat takes uint8 or 16-bit (int32) images, got {dtype.Name()}"),
        };
        using var scope = TensorScope.Begin();
        return sample with { Image = scope.Keep(sample.Image.Float().DivInPlace(max)) };
    }
}

/// <summary>(x - mean[c]) / std[c] per channel of a float image, as torchvision's Normalize.</summary>
public sealed class Normalize : ITransform
{
    /// <summary>The ImageNet statistics torchvision's pretrained models expect.</summary>
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f], ImageNetStd = [0.229f, 0.224f, 0.225f];

    readonly float[] mean, std;

    public Normalize(float[] mean, float[] std)
    {
        if (mean.Length != std.Length || mean.Length == 0)
            throw new ArgumentException($"normalize: {mean.Length} means and {std.Length} stds; give one of each per channel");
        if (std.Any(s => s == 0)) throw new ArgumentException("normalize: a standard deviation is 0");
        (this.mean, this.std) = (mean, std);
    }

    public Sample Apply(Sample sample, Random random)
    {
        var image = sample.Image;
        if (!image.DType.IsFloatingPoint())
            throw new ArgumentException($"normalize needs a float image, got {image.DType.Name()}: put ToFloat before it");
        if (image.Size(0) != mean.Length)
            throw new ArgumentException($"normalize has {mean.Length} channel statistics, the image has {image.Size(0)} channels");
        using var scope = TensorScope.Begin();
        var m = Tensor.From(mean, mean.Length, 1, 1).To(image.DType);
        var s = Tensor.From(std, std.Length, 1, 1).To(image.DType);
        return sample with { Image = scope.Keep((image - m).DivInPlace(s)) };
    }
}
