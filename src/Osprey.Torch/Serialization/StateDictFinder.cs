namespace Osprey.Torch.Serialization;

/// <summary>
/// Finds the model weights in a loaded checkpoint: a plain state dict, a training checkpoint that holds
/// one under a known key, or a pickled nn.Module whose parameters and buffers are collected by dotted
/// path, exactly as <c>module.state_dict()</c> would name them.
/// </summary>
internal static class StateDictFinder
{
    /// <summary>Where training scripts keep the model, in the order we look (ultralytics prefers its EMA).</summary>
    static readonly string[] ModelKeys = ["ema", "model", "state_dict", "model_state_dict", "module"];

    const int MaxModuleDepth = 256;

    public static Dictionary<string, Tensor> Find(object? root, string? key, string path, PickleLimits limits)
    {
        if (key is not null)
        {
            if (root is not PickleDict top || !top.TryGetValue(key, out var node))
                throw new TorchException($"{path}: no entry '{key}' at the top level ({TopLevel(root)})");
            return Extract(node, path, limits)
                   ?? throw new TorchException($"{path}: entry '{key}' is {Containers.Describe(node)}, not a state dict or an nn.Module");
        }
        if (Extract(root, path, limits) is { } direct) return direct;
        if (root is PickleDict dict)
            foreach (var candidate in ModelKeys)
                if (dict.TryGetValue(candidate, out var node) && node is not null && Extract(node, path, limits) is { } found)
                    return found;
        throw new TorchException($"{path}: no state dict found: expected a dict of tensors, a pickled nn.Module, or a dict holding one " +
                                 $"under {string.Join(", ", ModelKeys.Select(k => $"'{k}'"))} ({TopLevel(root)}); pass the key explicitly");
    }

    static string TopLevel(object? root) => root is PickleDict d
        ? $"the top level has {string.Join(", ", d.Keys.Take(20).Select(k => Containers.Describe(k)))}"
        : $"the file holds {Containers.Describe(root)}";

    /// <summary>The state dict <paramref name="node"/> is or holds, or null when it is neither a state dict nor a module.</summary>
    static Dictionary<string, Tensor>? Extract(object? node, string path, PickleLimits limits)
    {
        switch (node)
        {
            case PickleDict { Count: > 0 } dict when dict.All(p => p.Key is string && p.Value is Tensor):
                return dict.ToDictionary(p => (string)p.Key, p => (Tensor)p.Value!);
            case PickledObject module when IsModule(module):
                var walk = new Walk(path, limits.MaxStateDictVisits);
                Collect(module, "", walk, 0);
                return walk.Result;
            default:
                return null;
        }
    }

    static bool IsModule(PickledObject o) =>
        o.Attribute("_parameters") is PickleDict && o.Attribute("_buffers") is PickleDict && o.Attribute("_modules") is PickleDict;

    /// <summary>
    /// One state-dict collection. A submodule shared by several parents is reached once per path (PyTorch's
    /// state_dict() lists its tensors under every name), so a file sharing a child at every level of a deep
    /// hierarchy would make 2^depth paths: the visits and entries are counted and bounded. Whether an object is a
    /// module is decided once per object.
    /// </summary>
    sealed class Walk(string path, int maxVisits)
    {
        public readonly string Path = path;
        public readonly Dictionary<string, Tensor> Result = new();
        public readonly HashSet<PickledObject> Open = new(ReferenceEqualityComparer.Instance);
        readonly HashSet<PickledObject> vetted = new(ReferenceEqualityComparer.Instance);
        long work;

        public void Visit(PickledObject module, string prefix)
        {
            if (++work > maxVisits)
                throw new TorchException($"{Path}: collecting the state dict takes more than {maxVisits} module visits and entries " +
                                         $"(submodules shared by many parents, e.g. at '{prefix.TrimEnd('.')}'); PickleLimits.MaxStateDictVisits");
            if (vetted.Add(module) && !IsModule(module))
                throw new TorchException($"{Path}: '{prefix.TrimEnd('.')}' ({module.Type.FullName}) lacks _parameters/_buffers/_modules; not an nn.Module");
        }

        public void Count(int entries)
        {
            work += entries;
            if (work > maxVisits)
                throw new TorchException($"{Path}: the state dict would have more than {maxVisits} entries (PickleLimits.MaxStateDictVisits)");
        }
    }

    static void Collect(PickledObject module, string prefix, Walk walk, int depth)
    {
        var (into, open, path) = (walk.Result, walk.Open, walk.Path);
        if (depth > MaxModuleDepth) throw new TorchException($"{path}: modules nest deeper than {MaxModuleDepth} levels at '{prefix}'");
        walk.Visit(module, prefix);
        if (!open.Add(module)) throw new TorchException($"{path}: module '{prefix}' contains itself");
        walk.Count(((PickleDict)module.Attribute("_parameters")!).Count + ((PickleDict)module.Attribute("_buffers")!).Count);
        foreach (var (name, value) in (PickleDict)module.Attribute("_parameters")!)
            Add(into, prefix, name, value, "parameter", path);
        var nonPersistent = module.Attribute("_non_persistent_buffers_set") as HashSet<object?>;
        foreach (var (name, value) in (PickleDict)module.Attribute("_buffers")!)
            if (nonPersistent?.Contains(name) != true)
                Add(into, prefix, name, value, "buffer", path);
        foreach (var (name, child) in (PickleDict)module.Attribute("_modules")!)
        {
            switch (child)
            {
                case null: break; // an optional submodule set to None has no entries
                case PickledObject childModule:
                    Collect(childModule, $"{prefix}{name}.", walk, depth + 1);
                    break;
                default:
                    throw new TorchException($"{path}: submodule '{prefix}{name}' is {Containers.Describe(child)}, not a module");
            }
        }
        open.Remove(module);
    }

    static void Add(Dictionary<string, Tensor> into, string prefix, object key, object? value, string kind, string path)
    {
        switch (value)
        {
            case null: return; // e.g. bias=False: PyTorch leaves None out of the state dict
            case Tensor tensor:
                into[$"{prefix}{key}"] = tensor;
                return;
            default:
                throw new TorchException($"{path}: {kind} '{prefix}{key}' is {Containers.Describe(value)}, not a tensor");
        }
    }
}
