namespace Osprey.Torch.Serialization;

/// <summary>
/// A global the loader understands and implements itself (OrderedDict, set, _rebuild_tensor_v2, ...).
/// REDUCE on it runs our C# implementation on the pickled arguments; Python code is never run.
/// </summary>
internal sealed class PickleFunction(string module, string name, Func<object?[], object?> invoke, bool isClass = false)
{
    public string FullName { get; } = $"{module}.{name}";

    /// <summary>True for classes (NEWOBJ may instantiate them), false for functions (REDUCE only).</summary>
    public bool IsClass { get; } = isClass;

    public object? Invoke(object?[] args) => invoke(args);

    public override string ToString() => FullName;
}
