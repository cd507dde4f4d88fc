using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// DETR's fixed 2-D sine encoding of positions inside each image's valid (unpadded) area. The row and column
/// of a pixel are counted over the valid pixels (cumulative sum of the not-mask), normalized to (0, 2*pi] by the
/// image's own height and width, and encoded with <see cref="FeaturesPerAxis"/> sines and cosines each
/// (frequencies temperature^(2*floor(k/2)/F)); output (N, 2F, H, W), the y encoding first. No parameters.
/// </summary>
public sealed class SinePositionEncoding : Module<Tensor, Tensor>
{
    public long FeaturesPerAxis { get; }
    public double Temperature { get; }
    public double Scale { get; }
    public double Eps { get; }

    public SinePositionEncoding(long featuresPerAxis = 128, double temperature = 10000, double scale = 2 * Math.PI, double eps = 1e-6)
    {
        if (featuresPerAxis <= 0 || featuresPerAxis % 2 != 0)
            throw new ArgumentException($"SinePositionEncoding: features per axis must be positive and even, got {featuresPerAxis}");
        (FeaturesPerAxis, Temperature, Scale, Eps) = (featuresPerAxis, temperature, scale, eps);
    }

    /// <summary>The encoding of padding mask <paramref name="mask"/> (N, H, W), bool, true on padding.</summary>
    public override Tensor Forward(Tensor mask)
    {
        if (mask.Dim != 3 || mask.DType != DType.Bool)
            throw new ArgumentException($"SinePositionEncoding: mask must be bool (N, H, W), got {mask.Describe()}");
        using var scope = TensorScope.Begin();
        var valid = mask.LogicalNot().To(DType.Float32);
        var y = valid.CumSum(1);
        var x = valid.CumSum(2);
        y = y / (y.Narrow(1, y.Size(1) - 1, 1) + Eps) * Scale;
        x = x / (x.Narrow(2, x.Size(2) - 1, 1) + Eps) * Scale;
        // frequency of feature k: temperature^(2*floor(k/2)/F), so features 2j and 2j+1 share one.
        var exponents = new float[FeaturesPerAxis];
        for (long k = 0; k < FeaturesPerAxis; k++) exponents[k] = (float)(2 * (k / 2)) / FeaturesPerAxis;
        var frequencies = Tensor.Full([FeaturesPerAxis], Temperature, DType.Float32, mask.Device)
            .Pow(Tensor.From(exponents, FeaturesPerAxis).To(mask.Device));
        var encoding = Tensor.Cat([Encode(y, frequencies), Encode(x, frequencies)], 3).Permute(0, 3, 1, 2);
        return scope.Keep(encoding);
    }

    /// <summary>(N, H, W) positions to (N, H, W, F): sines of the even features interleaved with cosines of the odd.</summary>
    static Tensor Encode(Tensor position, Tensor frequencies)
    {
        var angles = position.Unsqueeze(-1) / frequencies;
        var sines = angles.Slice(3, 0, null, 2).Sin();
        var cosines = angles.Slice(3, 1, null, 2).Cos();
        return Tensor.Stack([sines, cosines], 4).Flatten(3);
    }

    public override string ToString() =>
        $"SinePositionEncoding(features_per_axis={FeaturesPerAxis}, temperature={Temperature}, scale={Scale:0.######})";
}
