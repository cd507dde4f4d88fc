namespace Osprey.Torch.Serialization;

/// <summary>
/// A class or function named by a pickle (GLOBAL / STACK_GLOBAL) that is kept as a name only:
/// nothing is imported and nothing is ever called.
/// </summary>
public sealed record PickledGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
    public override string ToString() => FullName;
}

/// <summary>
/// An instance of a class the loader does not interpret (an nn.Module, argparse.Namespace, a user
/// class): the class name, the constructor arguments the pickle passed, and the state BUILD set.
/// It is inert data; no code of the class runs.
/// </summary>
public sealed class PickledObject(PickledGlobal type, object?[] args)
{
    public PickledGlobal Type { get; } = type;

    /// <summary>Arguments of NEWOBJ / REDUCE (a tuple in the pickle).</summary>
    public object?[] Args { get; } = args;

    /// <summary>Keyword arguments of NEWOBJ_EX, when present.</summary>
    public PickleDict? KwArgs { get; init; }

    /// <summary>What BUILD passed (usually the instance __dict__ as a <see cref="PickleDict"/>), or null.</summary>
    public object? State { get; internal set; }

    /// <summary>Items APPENDed to the instance (a list subclass), if any.</summary>
    public List<object?>? ListItems { get; internal set; }

    /// <summary>Items SETITEMed on the instance (a dict subclass), if any.</summary>
    public PickleDict? DictItems { get; internal set; }

    /// <summary>An attribute from the BUILD state dict (the instance __dict__), or null when absent.</summary>
    public object? Attribute(string name) =>
        State switch
        {
            PickleDict d when d.TryGetValue(name, out var v) => v,
            // BUILD with (dict, slotstate): the __dict__ part comes first.
            object?[] { Length: 2 } pair when pair[0] is PickleDict d && d.TryGetValue(name, out var v) => v,
            _ => null,
        };

    public override string ToString() => $"<{Type.FullName} object>";
}

/// <summary>A Python dict (or OrderedDict) in insertion order; BUILD on it may add attributes (e.g. state_dict's _metadata).</summary>
public sealed class PickleDict() : OrderedDictionary<object, object?>(PickleKeyComparer.Instance)
{
    /// <summary>Instance attributes a BUILD gave the dict, or null.</summary>
    public PickleDict? Attributes { get; internal set; }
}

/// <summary>
/// A storage named by a persistent id. Tensors are rebuilt as views of its data; its own tensor
/// handle lives only while loading, so a storage pickled bare (not inside a tensor) shows only these facts.
/// </summary>
public sealed class TorchStorage(string key, DType dtype, long numel)
{
    public string Key { get; } = key;
    public DType DType { get; } = dtype;
    public long Numel { get; } = numel;

    /// <summary>The 1-D tensor over the storage bytes, set by the archive reader while loading.</summary>
    internal Tensor? Data { get; set; }

    public override string ToString() => $"<storage {Key}: {Numel} x {DType.Name()}>";
}
