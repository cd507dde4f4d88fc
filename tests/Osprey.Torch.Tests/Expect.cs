namespace Osprey.Torch.Tests;

/// <summary>Tensor assertions with stated tolerances.</summary>
public static class Expect
{
    /// <summary>
    /// Same shape, and |actual - expected| &lt;= atol + rtol * max|expected| everywhere (in float64): the error is
    /// judged against the tensor's scale, not each element's own magnitude. This is the project's float32 policy for
    /// comparisons with PyTorch (ARCHITECTURE.md, "Testing against PyTorch"): a sum of K products carries rounding
    /// in proportion to its terms, not to its result, and oneDNN orders the sum by the CPU's instruction set, so an
    /// element near zero in a convolution or a gradient may differ by a few ulps of the tensor's scale on another CPU.
    /// NaN and ±inf count as equal only where expected has the same value; any other NaN fails. Integer and bool
    /// results are compared exactly by the callers.
    /// </summary>
    public static void Close(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 1e-6, string what = "")
    {
        using var scope = TensorScope.Begin();
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}], expected [{string.Join(", ", expected.Shape)}]");
        var e = expected.Double();
        var a = actual.Double();
        var sameNonFinite = (e.IsNan() & a.IsNan()) | (e.IsInf() & a.Eq(e));
        // NaN comparisons are false, so an unmatched NaN on either side lands in 'bad'; an infinite
        // expected value would make its own tolerance infinite, so only sameNonFinite can accept it.
        var finite = e.MaskedSelect(e.IsFinite());
        double scale = finite.NumEl > 0 ? finite.Abs().Max().Item<double>() : 0;
        var within = ((a - e).Abs() <= rtol * scale + atol) & e.IsFinite();
        var bad = !(within | sameNonFinite);
        long failures = bad.Sum().Item<long>();
        if (failures > 0)
        {
            var maxErr = (a - e).Abs().MaskedSelect(bad).Max().Item<double>();
            Assert.Fail($"{what}: {failures} of {e.NumEl} elements off; max abs error {maxErr:G4} " +
                        $"exceeds atol {atol:G2} + rtol {rtol:G2} * max|expected| ({scale:G4})");
        }
    }
}
