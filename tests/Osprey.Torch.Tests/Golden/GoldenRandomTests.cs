using F = Osprey.Torch.NN.Functional;

namespace Osprey.Torch.Tests.Golden;

/// <summary>
/// Random streams: with the same seed Osprey draws what PyTorch draws (one CPU generator, the same kernels),
/// and dropout keeps 1-p of the elements, scaled by 1/(1-p).
/// </summary>
public class GoldenRandomTests
{
    const ulong Seed = 20240521; // tools/reference/golden/rng_cases.py SEED

    internal static readonly GoldenCases Cases = new()
    {
        ["rng_randn"] = _ => Seeded(() => Tensor.Randn([3, 7])),
        ["rng_rand"] = _ => Seeded(() => Tensor.Rand([4, 5])),
        ["rng_randint"] = _ => Seeded(() => Tensor.Randint(-3, 9, [5, 4])),
        ["dropout_seeded"] = c => Seeded(() => F.Dropout(c["x"], 0.3, training: true)),
    };

    static Tensor Seeded(Func<Tensor> draw)
    {
        LibTorch.ManualSeed(Seed);
        return draw();
    }

    public static TheoryData<string> Names => Cases.Names();

    [Theory, MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Cases.Check(name);

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    public void DropoutKeepsOneMinusPScaledByItsInverse(double p)
    {
        const int n = 200_000;
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(7);
        var y = F.Dropout(Tensor.Ones([n]), p, training: true);
        var kept = y.Ne(0);
        double keptFraction = kept.Sum().Item<long>() / (double)n;
        // Binomial(n, 1-p): 5 standard deviations is a false alarm once in ~3.5 million runs.
        double sigma = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange(keptFraction, 1 - p - 5 * sigma, 1 - p + 5 * sigma);
        var keptValues = y.MaskedSelect(kept);
        var scale = (float)(1 / (1 - p));
        Assert.True(keptValues.Sub(scale).Abs().Max().Item<float>() <= 1e-6f * scale,
            $"kept elements must equal 1/(1-p) = {scale}");
    }
}
