namespace Osprey.Tests.Data;

/// <summary>The committed image fixtures written by tools/reference/write_images.py.</summary>
public static class TestImages
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "images", name);

    /// <summary>Asserts two integer tensors are identical (shape, dtype and every value).</summary>
    public static void Equal(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}], expected [{string.Join(", ", expected.Shape)}]");
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, expected {expected.DType}");
        Expect.Close(expected, actual, rtol: 0, atol: 0, what);
    }

    /// <summary>
    /// Asserts integer images rounded from a float computation (a bilinear resize) agree: same shape and dtype, no
    /// value off by more than 1, and at most 1% of the values off by 1. The float sums are ordered by the CPU's kernels
    /// (ATen's default vs AVX2 dispatch), so a value within an ulp of .5 may round either way on another machine.
    /// </summary>
    public static void EqualUpToRounding(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, expected {expected.DType}");
        Expect.Close(expected, actual, rtol: 0, atol: 1, what);
        using var scope = TensorScope.Begin();
        long off = expected.Ne(actual).Sum().Item<long>();
        Assert.True(off * 100 <= expected.NumEl, $"{what}: {off} of {expected.NumEl} values off by 1 (at most 1% may be, from rounding)");
    }
}
