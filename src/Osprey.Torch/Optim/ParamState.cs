namespace Osprey.Torch.Optim;

/// <summary>
/// An optimizer's state for one parameter: named buffers (momentum_buffer, exp_avg, ...) it owns, and
/// a step count for optimizers that keep one (Adam's 'step').
/// </summary>
public sealed class ParamState : IDisposable
{
    readonly Dictionary<string, Tensor> buffers = new(StringComparer.Ordinal);

    /// <summary>Steps taken for this parameter, or null when the optimizer keeps no count (SGD).</summary>
    public long? Step { get; set; }

    public IReadOnlyDictionary<string, Tensor> Buffers => buffers;

    public Tensor? this[string name] => buffers.GetValueOrDefault(name);

    /// <summary>Stores <paramref name="buffer"/> under <paramref name="name"/>, taking ownership (out of any scope).</summary>
    public Tensor Set(string name, Tensor buffer)
    {
        if (buffers.Remove(name, out var old) && !ReferenceEquals(old, buffer)) old.Dispose();
        buffers[name] = buffer.DetachFromScope();
        return buffer;
    }

    public void Dispose()
    {
        foreach (var t in buffers.Values) t.Dispose();
        buffers.Clear();
    }
}
