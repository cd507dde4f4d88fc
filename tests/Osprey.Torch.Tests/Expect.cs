namespace Osprey.Torch.Tests;

/// <summary>Tensor assertions with stated tolerances.</summary>
public static class Expect
{
    /// <summary>Same shape, and |actual - expected| &lt;= atol + rtol * |expected| everywhere (in float64).</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 1e-6, string what = "")
    {
        using var scope = TensorScope.Begin();
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}], expected [{string.Join(", ", expected.Shape)}]");
        var e = expected.Double();
        var a = actual.Double();
        var excess = (a - e).Abs() - (e.Abs() * rtol + atol);
        var worst = excess.NumEl == 0 ? 0 : excess.Max().Item<double>();
        if (worst > 0)
        {
            var maxErr = (a - e).Abs().Max().Item<double>();
            Assert.Fail($"{what}: max abs error {maxErr:G4} exceeds atol {atol:G2} + rtol {rtol:G2} * |expected|");
        }
    }
}
