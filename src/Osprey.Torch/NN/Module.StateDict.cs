namespace Osprey.Torch.NN;

/// <summary>A state-dict entry whose shape differs from the module's tensor.</summary>
public sealed record ShapeMismatch(string Key, long[] Expected, long[] Actual)
{
    public override string ToString() => $"{Key}: checkpoint [{string.Join(", ", Actual)}], model [{string.Join(", ", Expected)}]";
}

/// <summary>What <see cref="Module.LoadStateDict"/> found: keys the model has but the dict lacks, keys the
/// dict has but the model lacks, and keys whose shapes differ (those are not loaded).</summary>
public sealed record LoadReport(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys,
                                IReadOnlyList<ShapeMismatch> ShapeMismatches)
{
    public bool IsClean => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && ShapeMismatches.Count == 0;

    public override string ToString()
    {
        var lines = new List<string>();
        if (MissingKeys.Count > 0) lines.Add($"missing keys ({MissingKeys.Count}): {string.Join(", ", MissingKeys)}");
        if (UnexpectedKeys.Count > 0) lines.Add($"unexpected keys ({UnexpectedKeys.Count}): {string.Join(", ", UnexpectedKeys)}");
        if (ShapeMismatches.Count > 0) lines.Add($"shape mismatches ({ShapeMismatches.Count}): {string.Join("; ", ShapeMismatches)}");
        return lines.Count == 0 ? "all keys matched" : string.Join("\n", lines);
    }
}

/// <summary>A strict state-dict load found missing, unexpected or mis-shaped keys; nothing was loaded.</summary>
public sealed class StateDictMismatchException(string model, LoadReport report)
    : Exception($"state dict does not match {model}:\n{report}")
{
    public LoadReport Report { get; } = report;
}

public abstract partial class Module
{
    /// <summary>
    /// Parameters then persistent buffers of each module, module by module in pre-order (PyTorch's order).
    /// The tensors are detached aliases of the module's own, owned by the caller (the current scope).
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        ThrowIfDisposed();
        var state = new OrderedDictionary<string, Tensor>();
        foreach (var (key, _, tensor) in StateEntries("")) state[key] = tensor.Detach();
        return state;
    }

    /// <summary>The state-dict keys, in order, without making tensors.</summary>
    public IReadOnlyList<string> StateDictKeys() => StateEntries("").Select(e => e.Key).ToList();

    // Not deduplicated: a module reachable by two paths appears under both, as in PyTorch's state_dict.
    IEnumerable<(string Key, Module Owner, Tensor Tensor)> StateEntries(string prefix)
    {
        foreach (var (name, t) in parameters)
            if (t != null) yield return (Join(prefix, name), this, t);
        foreach (var (name, t) in buffers)
            if (t != null && !nonPersistent.Contains(name)) yield return (Join(prefix, name), this, t);
        foreach (var (name, child) in children)
            foreach (var entry in child.StateEntries(Join(prefix, name)))
                yield return entry;
    }

    /// <summary>Local state keys this module accepts being absent from a checkpoint (BatchNorm's
    /// num_batches_tracked, which old checkpoints lack).</summary>
    protected virtual IEnumerable<string> OptionalStateKeys => [];

    /// <summary>Local keys this module drops from a checkpoint without complaint (torchvision's
    /// FrozenBatchNorm2d ignores num_batches_tracked).</summary>
    protected virtual IEnumerable<string> IgnoredStateKeys => [];

    /// <summary>
    /// Copies <paramref name="state"/> into the module's parameters and buffers in place (no grad; values are
    /// converted to each tensor's dtype and device). Strict: any missing, unexpected or mis-shaped key throws
    /// <see cref="StateDictMismatchException"/> listing all of them, before anything is copied. Not strict:
    /// loads what matches and reports the rest.
    /// </summary>
    public LoadReport LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ThrowIfDisposed();
        var expected = StateEntries("").ToList();
        var optional = new HashSet<string>();
        var ignored = new HashSet<string>();
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var k in m.OptionalStateKeys) optional.Add(Join(prefix, k));
            foreach (var k in m.IgnoredStateKeys) ignored.Add(Join(prefix, k));
        }

        var missing = new List<string>();
        var mismatched = new List<ShapeMismatch>();
        var toCopy = new List<(Tensor Target, Tensor Source)>();
        var expectedKeys = new HashSet<string>();
        foreach (var (key, _, target) in expected)
        {
            expectedKeys.Add(key);
            if (!state.TryGetValue(key, out var source))
            {
                if (!optional.Contains(key)) missing.Add(key);
                continue;
            }
            var (want, got) = (target.Shape, source.Shape);
            if (!want.SequenceEqual(got)) mismatched.Add(new ShapeMismatch(key, want, got));
            else toCopy.Add((target, source));
        }
        var unexpected = state.Keys.Where(k => !expectedKeys.Contains(k) && !ignored.Contains(k)).ToList();

        var report = new LoadReport(missing, unexpected, mismatched);
        if (strict && !report.IsClean) throw new StateDictMismatchException(TypeName, report);
        using var noGrad = Autograd.NoGrad();
        foreach (var (target, source) in toCopy) target.CopyFrom(source);
        return report;
    }
}
