namespace Osprey.Torch.NN;

/// <summary>Which fan Kaiming initialisation keeps the variance of: forward (fan_in) or backward (fan_out).</summary>
public enum FanMode { FanIn, FanOut }

/// <summary>
/// torch.nn.init: fills tensors in place, without recording gradients, drawing from libtorch's generator in the
/// same order as PyTorch (so a seeded model initialises to the same values). Each returns its tensor.
/// </summary>
public static class Init
{
    static readonly Op erfinvInPlace = new("aten::erfinv_");

    /// <summary>calculate_gain: the recommended scale for a nonlinearity ("linear", "conv2d", "sigmoid",
    /// "tanh", "relu", "leaky_relu" with its negative slope (default 0.01), "selu").</summary>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        switch (nonlinearity)
        {
            case "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d"
                or "conv_transpose3d" or "sigmoid":
                return 1;
            case "tanh": return 5.0 / 3;
            case "relu": return Math.Sqrt(2.0);
            case "leaky_relu":
                var slope = param ?? 0.01;
                return Math.Sqrt(2.0 / (1 + slope * slope));
            case "selu": return 3.0 / 4;
            default: throw new ArgumentException($"calculate_gain: unsupported nonlinearity '{nonlinearity}'");
        }
    }

    /// <summary>(fan_in, fan_out) of a weight: size(1) and size(0) times the receptive field (the product of the
    /// remaining dimensions).</summary>
    public static (long FanIn, long FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        var shape = tensor.Shape;
        if (shape.Length < 2)
            throw new ArgumentException($"fan in and fan out need a tensor of at least 2 dimensions, got {tensor.Describe()}");
        long receptive = 1;
        for (int d = 2; d < shape.Length; d++) receptive *= shape[d];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    static long Fan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return mode == FanMode.FanIn ? fanIn : fanOut;
    }

    public static Tensor Uniform(Tensor tensor, double a = 0, double b = 1)
    {
        using var _ = Autograd.NoGrad();
        return tensor.UniformInPlace(a, b);
    }

    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1)
    {
        using var _ = Autograd.NoGrad();
        return tensor.NormalInPlace(mean, std);
    }

    /// <summary>Normal(mean, std) truncated to [a, b] (absolute bounds), by inverse-CDF sampling of a uniform
    /// as torch.nn.init.trunc_normal_ does.</summary>
    public static Tensor TruncNormal(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2)
    {
        if (std <= 0) throw new ArgumentException($"trunc_normal: std must be positive, got {std}");
        if (a >= b) throw new ArgumentException($"trunc_normal: need a < b, got [{a}, {b}]");
        static double NormCdf(double x) => (1 + Erf(x / Math.Sqrt(2))) / 2;
        var lower = NormCdf((a - mean) / std);
        var upper = NormCdf((b - mean) / std);
        using var _ = Autograd.NoGrad();
        tensor.UniformInPlace(2 * lower - 1, 2 * upper - 1);
        erfinvInPlace.InPlace(tensor);
        tensor.MulInPlace(std * Math.Sqrt(2));
        tensor.AddInPlace(mean);
        return tensor.ClampInPlace(a, b);
    }

    public static Tensor Constant(Tensor tensor, double value)
    {
        using var _ = Autograd.NoGrad();
        return tensor.FillInPlace(value);
    }

    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);

    /// <summary>U(-bound, bound) with bound = gain * sqrt(3 / fan) (He et al.).</summary>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, string nonlinearity = "leaky_relu")
    {
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        var bound = Math.Sqrt(3.0) * std;
        return Uniform(tensor, -bound, bound);
    }

    /// <summary>N(0, std^2) with std = gain / sqrt(fan).</summary>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, string nonlinearity = "leaky_relu")
    {
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        return Normal(tensor, 0, std);
    }

    /// <summary>U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot and Bengio).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        var std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Uniform(tensor, -Math.Sqrt(3.0) * std, Math.Sqrt(3.0) * std);
    }

    public static Tensor XavierNormal(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>The default bias init of Conv and Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) of the weight.</summary>
    internal static void FanInUniformBias(Tensor bias, Tensor weight)
    {
        var (fanIn, _) = CalculateFanInAndFanOut(weight);
        if (fanIn == 0) return;
        var bound = 1 / Math.Sqrt(fanIn);
        Uniform(bias, -bound, bound);
    }

    /// <summary>The error function, computed by libtorch in double precision (the C library's erf, which
    /// Python's math.erf also uses).</summary>
    internal static double Erf(double x)
    {
        using var scope = TensorScope.Begin();
        return Tensor.Scalar(x).Erf().Item<double>();
    }
}
