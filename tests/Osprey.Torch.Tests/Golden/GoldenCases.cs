namespace Osprey.Torch.Tests.Golden;

/// <summary>What one golden case produced, in the order of the fixture's out0, out1, ... (or its single out).</summary>
public readonly struct Outputs(Tensor[] items)
{
    public Tensor[] Items { get; } = items;

    public static implicit operator Outputs(Tensor t) => new([t]);
    public static implicit operator Outputs(Tensor[] ts) => new(ts);
    public static implicit operator Outputs((Tensor Values, Tensor Indices) pair) => new([pair.Values, pair.Indices]);
}

/// <summary>
/// Golden cases by name: each runs one op through Osprey on the inputs of
/// tests/fixtures/ops/NAME.safetensors (written by tools/reference/golden_ops.py).
/// </summary>
public sealed class GoldenCases : Dictionary<string, Func<Fixture, Outputs>>
{
    public TheoryData<string> Names() => new(Keys.Order(StringComparer.Ordinal));

    public void Check(string name) => Golden.Check(name, this[name]);
}

/// <summary>Runs a golden case and compares it with PyTorch.</summary>
public static class Golden
{
    // Both sides run libtorch's kernels in float32; the tolerance (relative to each tensor's scale, see Expect.Close)
    // absorbs sums reordered by another CPU's kernels.
    public const double Rtol = 1e-5, Atol = 1e-6;

    public static string FixtureName(string name) => "ops/" + name;

    /// <summary>
    /// Loads the fixture, marks the inputs listed in its "wrt" metadata as requiring grad, runs the case
    /// and compares every output (floating: within Rtol/Atol and same dtype; integer and bool: exactly).
    /// For gradient fixtures it then back-propagates "gy" from the first output and compares each
    /// "grad.INPUT". Asserts that the case leaves no tensor alive.
    /// </summary>
    public static void Check(string name, Func<Fixture, Outputs> run)
    {
        long liveBefore = Tensor.LiveCount;
        using (TensorScope.Begin())
        {
            var fixture = Fixture.Load(FixtureName(name));
            var wrt = fixture.Metadata.TryGetValue("wrt", out var list) ? list.Split(',') : [];
            foreach (var input in wrt) fixture[input].RequiresGrad = true;

            var outputs = run(fixture).Items;
            var expected = ExpectedOutputs(fixture, name);
            Assert.True(expected.Length == outputs.Length, $"{name}: {outputs.Length} outputs, PyTorch gave {expected.Length}");
            for (int k = 0; k < outputs.Length; k++)
                Same(expected[k].Tensor, outputs[k], $"{name} {expected[k].Key}");

            if (wrt.Length == 0) return;
            outputs[0].Backward(fixture["gy"]);
            foreach (var input in wrt)
            {
                var grad = fixture[input].Grad;
                Assert.True(grad != null, $"{name}: no gradient reached '{input}'");
                Same(fixture["grad." + input], grad, $"{name} grad.{input}");
            }
        }
        Assert.True(liveBefore == Tensor.LiveCount, $"{name}: {Tensor.LiveCount - liveBefore} tensors left alive");
    }

    static (string Key, Tensor Tensor)[] ExpectedOutputs(Fixture fixture, string name)
    {
        if (fixture.Tensors.TryGetValue("out", out var single)) return [("out", single)];
        var many = new List<(string, Tensor)>();
        while (fixture.Tensors.TryGetValue($"out{many.Count}", out var next)) many.Add(($"out{many.Count}", next));
        Assert.True(many.Count > 0, $"{name}: fixture has no outputs");
        return many.ToArray();
    }

    /// <summary>Same dtype and shape; floating values within Rtol/Atol, all others exactly equal.</summary>
    public static void Same(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType.Name()}, PyTorch gave {expected.DType.Name()}");
        if (expected.DType.IsFloatingPoint())
        {
            Expect.Close(expected, actual, Rtol, Atol, what);
            return;
        }
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape)}], PyTorch gave [{string.Join(", ", expected.Shape)}]");
        Assert.True(expected.Equal(actual), $"{what}: {actual.DType.Name()} values differ from PyTorch's");
    }
}
