using Osprey.Torch.NN;

namespace Osprey.Torch.Tests.NN;

/// <summary>torch.nn.init and each layer's reset_parameters: same draws as PyTorch for a seed, and the
/// statistics PyTorch's formulas imply.</summary>
public class InitTests
{
    [Fact]
    public void SeededDefaultInitialisationDrawsExactlyPyTorchsValues()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("layers/init_seeded");
        LibTorch.ManualSeed(1234);
        // Same construction order as golden_layers.py seeded_init(): the generator is consumed identically.
        using var conv = new Conv2d(8, 16, 3);
        using var convT = new ConvTranspose2d(4, 6, 3, groups: 2);
        using var linear = new Linear(12, 5);
        using var embedding = new Embedding(10, 4, paddingIdx: 2);
        using var mha = new MultiheadAttention(16, 4);
        var modules = new (string, Module)[] { ("conv", conv), ("convt", convT), ("linear", linear), ("embedding", embedding), ("mha", mha) };
        int compared = 0;
        foreach (var (prefix, module) in modules)
            foreach (var (key, value) in module.StateDict())
            {
                // The same draws; ATen's scalar and vectorized kernels (ATEN_CPU_CAPABILITY) may round the affine
                // map from [0, 1) to the bounds differently in the last bit.
                Expect.Close(f[$"{prefix}.{key}"], value, rtol: 1e-6, atol: 0, what: $"{prefix}.{key} against PyTorch's seeded init");
                compared++;
            }
        Assert.Equal(f.Tensors.Count, compared);
    }

    [Fact]
    public void Conv2dDefaultWeightIsUniformWithinOneOverSqrtFanIn()
    {
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(7);
        using var conv = new Conv2d(64, 64, 3);
        // kaiming_uniform_(a=sqrt(5)): gain sqrt(2/6), std gain/sqrt(576), bound sqrt(3)*std = 1/24.
        const double bound = 1.0 / 24;
        AssertUniform(conv.Weight, bound, "conv weight");
        Assert.True(conv.Bias!.Abs().Max().Item<float>() <= bound, "conv bias outside 1/sqrt(fan_in)");
    }

    [Fact]
    public void LinearDefaultBiasIsUniformWithinOneOverSqrtInFeatures()
    {
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(8);
        using var linear = new Linear(100, 20000);
        AssertUniform(linear.Bias!, 0.1, "linear bias");
        AssertUniform(linear.Weight, 0.1, "linear weight");
    }

    static void AssertUniform(Tensor t, double bound, string what)
    {
        var max = t.Abs().Max().Item<float>();
        Assert.True(max <= bound * (1 + 1e-6), $"{what}: |w| max {max} above bound {bound}");
        Assert.True(max > bound * 0.99, $"{what}: |w| max {max} far below bound {bound}");
        AssertMoments(t, 0, bound / Math.Sqrt(3), what);
    }

    /// <summary>Mean within 5 standard errors, std within 2% (the std's standard error here is under 0.5%).</summary>
    static void AssertMoments(Tensor t, double mean, double std, string what)
    {
        var n = t.NumEl;
        var m = t.Double().Mean().Item<double>();
        var s = t.Double().Std().Item<double>();
        Assert.True(Math.Abs(m - mean) < 5 * std / Math.Sqrt(n), $"{what}: mean {m}, expected {mean}");
        Assert.True(Math.Abs(s / std - 1) < 0.02, $"{what}: std {s}, expected {std}");
    }

    [Fact]
    public void KaimingNormalFanOutReluHasStdSqrt2OverSqrtFanOut()
    {
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(9);
        var w = Init.KaimingNormal(Tensor.Empty([256, 128, 3, 3]), mode: FanMode.FanOut, nonlinearity: "relu");
        AssertMoments(w, 0, Math.Sqrt(2) / Math.Sqrt(256 * 9), "kaiming_normal fan_out relu");
        var u = Init.KaimingUniform(Tensor.Empty([128, 256]), nonlinearity: "relu");
        AssertUniform(u, Math.Sqrt(6.0 / 256), "kaiming_uniform fan_in relu");
    }

    [Fact]
    public void XavierUsesFanInPlusFanOutAndGain()
    {
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(10);
        var gain = Init.CalculateGain("tanh");
        AssertUniform(Init.XavierUniform(Tensor.Empty([300, 200]), gain), gain * Math.Sqrt(6.0 / 500), "xavier_uniform");
        AssertMoments(Init.XavierNormal(Tensor.Empty([300, 200]), 2), 0, 2 * Math.Sqrt(2.0 / 500), "xavier_normal");
    }

    [Fact]
    public void TruncNormalStaysInBoundsWithTheTruncatedStd()
    {
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(11);
        var t = Init.TruncNormal(Tensor.Empty([100000]), mean: 0.5, std: 1, a: -0.5, b: 1.5);
        Assert.True(t.Min().Item<float>() >= -0.5f && t.Max().Item<float>() <= 1.5f);
        // N(0.5, 1) cut at +-1 std: variance 1 - 2 phi(1) / (2 Phi(1) - 1) = 0.291125, std 0.539560.
        AssertMoments(t, 0.5, 0.539560, "trunc_normal");
    }

    [Fact]
    public void GainsAndFansFollowPyTorch()
    {
        Assert.Equal(1.0, Init.CalculateGain("conv2d"));
        Assert.Equal(5.0 / 3, Init.CalculateGain("tanh"));
        Assert.Equal(Math.Sqrt(2), Init.CalculateGain("relu"));
        Assert.Equal(Math.Sqrt(2 / 1.0001), Init.CalculateGain("leaky_relu"), 15);
        Assert.Equal(Math.Sqrt(2 / 6.0), Init.CalculateGain("leaky_relu", Math.Sqrt(5)), 15);
        Assert.Equal(0.75, Init.CalculateGain("selu"));
        Assert.Throws<ArgumentException>(() => Init.CalculateGain("swish"));
        using var scope = TensorScope.Begin();
        Assert.Equal((8L * 15, 16L * 15), Init.CalculateFanInAndFanOut(Tensor.Empty([16, 8, 3, 5])));
        Assert.Throws<ArgumentException>(() => Init.CalculateFanInAndFanOut(Tensor.Empty([4])));
    }

    [Fact]
    public void InitFillsParametersInPlaceWithoutRecordingGradients()
    {
        using var scope = TensorScope.Begin();
        var p = Tensor.Empty([3, 4]).RequiresGrad_();
        Assert.Same(p, Init.Constant(p, 0.25));
        Assert.All(p.ToArray<float>(), v => Assert.Equal(0.25f, v));
        Init.Ones(p);
        Assert.Equal(12f, p.Sum().Item<float>());
        Init.Zeros(p);
        Assert.Equal(0f, p.Abs().Sum().Item<float>());
        Assert.True(p.IsLeaf && p.RequiresGrad);
    }
}
