namespace Osprey.Torch.NN;

/// <summary>
/// torch.nn.Module: a tree of named parameters, buffers and child modules. Everything is registered
/// explicitly; the registration names are the state-dict keys (dotted, as in PyTorch). The module owns its
/// parameters and buffers (taken out of any scope) and disposing it disposes the whole tree.
/// </summary>
public abstract partial class Module : IDisposable
{
    readonly OrderedDictionary<string, Tensor?> parameters = new();
    readonly OrderedDictionary<string, Tensor?> buffers = new();
    readonly HashSet<string> nonPersistent = [];
    readonly OrderedDictionary<string, Module> children = new();

    public bool IsTraining { get; private set; } = true;
    public bool IsDisposed { get; private set; }

    /// <summary>The module's type name, as error messages and printouts show it.</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>
    /// Registers (or replaces) parameter <paramref name="name"/>. A tensor becomes owned by this module and
    /// requires grad; null declares an absent parameter (bias=False), which is skipped everywhere.
    /// A replaced tensor is disposed.
    /// </summary>
    public Tensor? RegisterParameter(string name, Tensor? tensor)
    {
        CheckName(name, parameters);
        if (tensor != null)
        {
            if (!tensor.DType.IsFloatingPoint())
                throw new ArgumentException($"{TypeName}: parameter '{name}' must be floating point, got {tensor.Describe()}");
            if (!tensor.IsLeaf)
                throw new ArgumentException($"{TypeName}: parameter '{name}' must be a leaf tensor (detach it first)");
            tensor.DetachFromScope();
            tensor.RequiresGrad = true;
        }
        Replace(parameters, name, tensor);
        return tensor;
    }

    /// <summary>
    /// Registers (or replaces) buffer <paramref name="name"/>: state that is not trained (running statistics).
    /// Non-persistent buffers are left out of the state dict.
    /// </summary>
    public Tensor? RegisterBuffer(string name, Tensor? tensor, bool persistent = true)
    {
        CheckName(name, buffers);
        tensor?.DetachFromScope();
        Replace(buffers, name, tensor);
        if (persistent) nonPersistent.Remove(name);
        else nonPersistent.Add(name);
        return tensor;
    }

    /// <summary>Registers (or replaces, disposing the old one) child module <paramref name="name"/>.</summary>
    public T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name, children);
        if (children.TryGetValue(name, out var old) && !ReferenceEquals(old, module)) old.Dispose();
        children[name] = module;
        return module;
    }

    /// <summary>Removes child module <paramref name="name"/> and disposes it (PyTorch's delattr), as conv+BN
    /// fusion drops the folded BatchNorm.</summary>
    protected void RemoveModule(string name)
    {
        ThrowIfDisposed();
        if (!children.Remove(name, out var old)) throw new KeyNotFoundException($"{TypeName} has no submodule '{name}'");
        old.Dispose();
    }

    void CheckName<TValue>(string name, OrderedDictionary<string, TValue> own)
    {
        ThrowIfDisposed();
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{TypeName}: name '{name}' must be non-empty and contain no '.'");
        var taken = (!ReferenceEquals(own, parameters) && parameters.ContainsKey(name)) ||
                    (!ReferenceEquals(own, buffers) && buffers.ContainsKey(name)) ||
                    (!ReferenceEquals(own, children) && children.ContainsKey(name));
        if (taken) throw new ArgumentException($"{TypeName}: name '{name}' is already used by another parameter, buffer or module");
    }

    static void Replace(OrderedDictionary<string, Tensor?> slots, string name, Tensor? tensor)
    {
        if (slots.TryGetValue(name, out var old) && old != null && !ReferenceEquals(old, tensor)) old.Dispose();
        slots[name] = tensor;
    }

    /// <summary>This module's own parameter <paramref name="name"/> (null when registered as absent).</summary>
    protected Tensor? Param(string name) =>
        parameters.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{TypeName} has no parameter '{name}'");

    /// <summary>This module's own buffer <paramref name="name"/> (null when registered as absent).</summary>
    protected Tensor? Buffer(string name) =>
        buffers.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{TypeName} has no buffer '{name}'");

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public Module Train(bool on = true)
    {
        foreach (var (_, m) in NamedModules()) m.IsTraining = on;
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Sets requires_grad on every parameter of the tree (false freezes it).</summary>
    public Module RequiresGrad(bool on = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad = on;
        return this;
    }

    /// <summary>Drops every parameter's gradient (zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ClearGrad();
    }

    public IEnumerable<Module> Children() => children.Values;
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children.Select(kv => (kv.Key, kv.Value));

    /// <summary>Every module of the tree in pre-order, self first with name "", each once.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return Walk("", seen);
    }

    IEnumerable<(string, Module)> Walk(string prefix, HashSet<Module> seen)
    {
        if (!seen.Add(this)) yield break;
        yield return (prefix, this);
        foreach (var (name, child) in children)
            foreach (var item in child.Walk(Join(prefix, name), seen))
                yield return item;
    }

    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>Parameters with their dotted names, each tensor once, module by module in registration order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters() => Named(m => m.parameters);

    /// <summary>Buffers with their dotted names (persistent or not), each tensor once.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers() => Named(m => m.buffers);

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);
    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Tensor);

    IEnumerable<(string, Tensor)> Named(Func<Module, OrderedDictionary<string, Tensor?>> slotsOf)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, tensor) in slotsOf(module))
                if (tensor != null && seen.Add(tensor))
                    yield return (Join(prefix, name), tensor);
    }

    /// <summary>The descendant at dotted path <paramref name="path"/> ("" is this module).</summary>
    public Module GetModule(string path)
    {
        var m = this;
        if (path.Length == 0) return m;
        foreach (var part in path.Split('.'))
            m = m.children.TryGetValue(part, out var c) ? c
                : throw new KeyNotFoundException($"{TypeName} has no submodule '{path}' ('{part}' not found)");
        return m;
    }

    /// <summary>The parameter at dotted path <paramref name="path"/>, e.g. "layer1.0.conv1.weight".</summary>
    public Tensor? GetParameter(string path)
    {
        var (owner, name) = Split(path);
        return owner.Param(name);
    }

    public Tensor? GetBuffer(string path)
    {
        var (owner, name) = Split(path);
        return owner.Buffer(name);
    }

    (Module, string) Split(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? (this, path) : (GetModule(path[..dot]), path[(dot + 1)..]);
    }

    /// <summary>Converts every floating-point parameter and buffer of the tree to <paramref name="dtype"/>
    /// (integer buffers such as num_batches_tracked keep their type, as in PyTorch).</summary>
    public Module To(DType dtype)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"Module.To: dtype must be floating point, got {dtype.Name()}");
        return Convert(t => t.DType.IsFloatingPoint() && t.DType != dtype ? t.To(dtype) : null);
    }

    /// <summary>Lays out every 4-D floating-point parameter and buffer of the tree (convolution weights) in
    /// <paramref name="format"/>, as PyTorch's module.to(memory_format=...). With channels-last weights, ATen's
    /// convolutions return channels-last outputs, so the layout carries through a network from its first convolution.</summary>
    public Module To(MemoryFormat format)
    {
        if (format is not (MemoryFormat.Contiguous or MemoryFormat.ChannelsLast))
            throw new ArgumentException($"Module.To: memory format must be Contiguous or ChannelsLast, got {format}");
        return Convert(t => t.Dim == 4 && t.DType.IsFloatingPoint() && !t.IsContiguous(format) ? t.Contiguous(format) : null);
    }

    /// <summary>Moves every parameter and buffer of the tree to <paramref name="device"/>.</summary>
    public Module To(Device device) => Convert(t => t.Device != device ? t.To(device) : null);

    Module Convert(Func<Tensor, Tensor?> convert)
    {
        ThrowIfDisposed();
        using var noGrad = Autograd.NoGrad();
        foreach (var m in Modules())
        {
            ConvertSlots(m.parameters, convert);
            ConvertSlots(m.buffers, convert);
        }
        return this;
    }

    static void ConvertSlots(OrderedDictionary<string, Tensor?> slots, Func<Tensor, Tensor?> convert)
    {
        foreach (var name in slots.Keys.ToList())
        {
            var old = slots[name];
            if (old == null || convert(old) is not { } converted) continue;
            converted.DetachFromScope();
            converted.RequiresGrad = old.RequiresGrad;
            slots[name] = converted;
            old.Dispose();
        }
    }

    protected void ThrowIfDisposed()
    {
        if (IsDisposed) throw new ObjectDisposedException(TypeName, $"{TypeName} used after Dispose");
    }

    /// <summary>Disposes every parameter and buffer of the tree.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        foreach (var child in children.Values) child.Dispose();
        foreach (var t in parameters.Values) t?.Dispose();
        foreach (var t in buffers.Values) t?.Dispose();
        forwardHooks.Clear();
        DisposeNonTensorState();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what the module owns besides its tensors (a TorchBind object, say); called once, from Dispose.</summary>
    protected virtual void DisposeNonTensorState() { }

    internal static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
