namespace Osprey.Torch.NN;

/// <summary>torch.nn.Sequential: children named "0", "1", ... called in order; intermediate outputs are
/// disposed as soon as the next module has consumed them. BatchNorm folding replaces a Conv2d followed by a BatchNorm
/// with the folded convolution and an Identity, so the other children keep their names (as torch.fx's fuse does).</summary>
public sealed class Sequential : Module<Tensor, Tensor>, IReadOnlyList<Module<Tensor, Tensor>>, IBatchNormFoldable
{
    readonly List<Module<Tensor, Tensor>> layers = [];

    public Sequential(params IEnumerable<Module<Tensor, Tensor>> modules)
    {
        foreach (var m in modules) Add(m);
    }

    public Sequential Add(Module<Tensor, Tensor> module)
    {
        RegisterModule(layers.Count.ToString(), module);
        layers.Add(module);
        return this;
    }

    public Module<Tensor, Tensor> this[int index] => layers[index];
    public int Count => layers.Count;

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var x = input;
        foreach (var layer in layers) x = x.Through(layer);
        return scope.Keep(ReferenceEquals(x, input) ? x.Alias() : x);
    }

    public int FoldOwnBatchNorms()
    {
        int folded = 0;
        for (int i = 0; i + 1 < layers.Count; i++)
        {
            if (layers[i] is not Conv2d conv || !BatchNormFolding.IsFoldable(layers[i + 1])) continue;
            layers[i] = RegisterModule(i.ToString(), BatchNormFolding.Fold(conv, layers[i + 1]));
            layers[i + 1] = RegisterModule((i + 1).ToString(), BatchNormFolding.Placeholder(layers[i + 1]));
            folded++;
        }
        return folded;
    }

    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() => layers.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>torch.nn.ModuleList: an indexed list of children named "0", "1", ...; no forward of its own.</summary>
public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    readonly List<T> items = [];

    public ModuleList(params IEnumerable<T> modules)
    {
        foreach (var m in modules) Add(m);
    }

    public ModuleList<T> Add(T module)
    {
        RegisterModule(items.Count.ToString(), module);
        items.Add(module);
        return this;
    }

    public T this[int index] => items[index];
    public int Count => items.Count;
    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>torch.nn.ModuleDict: children by name, in insertion order; no forward of its own.</summary>
public sealed class ModuleDict<T> : Module, IReadOnlyDictionary<string, T> where T : Module
{
    readonly OrderedDictionary<string, T> items = new();

    public ModuleDict() { }

    public ModuleDict(IEnumerable<KeyValuePair<string, T>> modules)
    {
        foreach (var (name, m) in modules) Add(name, m);
    }

    public ModuleDict<T> Add(string name, T module)
    {
        if (items.ContainsKey(name)) throw new ArgumentException($"ModuleDict: key '{name}' already present");
        RegisterModule(name, module);
        items[name] = module;
        return this;
    }

    public T this[string key] => items.TryGetValue(key, out var m) ? m : throw new KeyNotFoundException($"ModuleDict has no key '{key}'");
    public IEnumerable<string> Keys => items.Keys;
    public IEnumerable<T> Values => items.Values;
    public int Count => items.Count;
    public bool ContainsKey(string key) => items.ContainsKey(key);
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value) => items.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() => items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
