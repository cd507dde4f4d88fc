namespace Osprey.Torch.Serialization;

/// <summary>Copies a loaded state dict into a model's tensors by name.</summary>
public static class StateDictLoader
{
    /// <summary>
    /// Copies every <paramref name="source"/> tensor whose key and shape match into <paramref name="target"/>
    /// (in place, under no_grad; dtypes convert as copy_ does). Strict: any missing, unexpected or mis-shaped
    /// key throws, naming <paramref name="sourceName"/> and each key, before anything is copied. Not strict:
    /// those keys are skipped and listed in the returned report.
    /// </summary>
    public static StateDictReport CopyInto(IReadOnlyDictionary<string, Tensor> target, IReadOnlyDictionary<string, Tensor> source,
                                           bool strict, string sourceName)
    {
        var report = StateDictReport.Compare(target.ToDictionary(p => p.Key, p => p.Value.Shape), source);
        if (strict && !report.IsClean)
            throw new TorchException($"{sourceName}: state dict does not match the model:\n{report}");
        var skip = report.Mismatched.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        using var noGrad = Autograd.NoGrad();
        foreach (var (key, tensor) in target)
            if (source.TryGetValue(key, out var value) && !skip.Contains(key))
                tensor.CopyFrom(value);
        return report;
    }
}
