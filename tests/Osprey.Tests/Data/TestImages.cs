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
}
