using Osprey.Torch.NN;

namespace Osprey.Torch.Tests.NN;

/// <summary>
/// Checks one layer against a fixture from tools/reference/golden_layers.py: same state-dict keys, strict load
/// of PyTorch's (perturbed) state, then forward outputs, input and parameter gradients of sum(out * gout), and
/// buffers after the step, all within 1e-5 of each tensor's scale (atol 1e-6; see Expect.Close).
/// </summary>
public static class LayerGolden
{
    public const double Rtol = 1e-5, Atol = 1e-6;

    public static void Verify(Module module, string name,
                              Func<IReadOnlyDictionary<string, Tensor>, IReadOnlyDictionary<string, Tensor>> forward)
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("layers/" + name);
        var expectedKeys = f.Metadata["state_keys"].Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expectedKeys, module.StateDictKeys());

        var report = module.LoadStateDict(Section(f, "state."));
        Assert.True(report.IsClean, report.ToString());
        module.Train(f.Metadata["mode"] == "train");

        var inputs = Section(f, "in.");
        foreach (var t in inputs.Values)
            if (t.DType.IsFloatingPoint()) t.RequiresGrad = true;
        var outputs = forward(inputs);

        Tensor? loss = null;
        foreach (var (key, expected) in Section(f, "out."))
        {
            Assert.True(outputs.ContainsKey(key), $"{name}: no output '{key}'");
            Expect.Close(expected, outputs[key], Rtol, Atol, $"{name} output {key}");
            var term = (outputs[key] * f["gout." + key]).Sum();
            loss = loss is null ? term : loss + term;
        }
        loss!.Backward();

        foreach (var (key, expected) in Section(f, "grad.in."))
            Expect.Close(expected, inputs[key].Grad ?? throw new Xunit.Sdk.XunitException($"{name}: input {key} has no grad"),
                         Rtol, Atol, $"{name} grad of input {key}");
        var paramGrads = Section(f, "grad.param.");
        foreach (var (key, p) in module.NamedParameters())
        {
            Assert.True(paramGrads.ContainsKey(key), $"{name}: PyTorch has no gradient for parameter {key}");
            Expect.Close(paramGrads[key], p.Grad ?? throw new Xunit.Sdk.XunitException($"{name}: parameter {key} has no grad"),
                         Rtol, Atol, $"{name} grad of {key}");
        }
        Assert.Equal(paramGrads.Count, module.NamedParameters().Count());
        foreach (var (key, expected) in Section(f, "after."))
            Expect.Close(expected, module.GetBuffer(key)!, Rtol, Atol, $"{name} buffer {key} after the step");
    }

    /// <summary>The common case: one tensor in ("input"), one out ("output").</summary>
    public static void Verify(Module<Tensor, Tensor> module, string name) =>
        Verify(module, name, x => new Dictionary<string, Tensor> { ["output"] = module.Call(x["input"]) });

    static Dictionary<string, Tensor> Section(Fixture f, string prefix) =>
        f.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                 .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
