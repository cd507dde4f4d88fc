using Osprey.Torch.NN;

namespace Osprey.Torch.Tracing;

/// <summary>
/// Records every ATen call made on this thread while active (a tracing exporter's view of one forward), without
/// changing what the calls compute. Tensors are identified by their C# objects, which the record keeps: an
/// in-place call's output is its first argument again, an <see cref="Tensor.Alias"/> the same value under a new
/// object. Tensors marked as inputs are dynamic, and so is every result computed from one; every other tensor a
/// call reads or makes is constant, and its value is copied when first seen (so later in-place calls and disposal
/// do not change it), except the parameters and buffers of <see cref="Root"/>, which are read by name.
/// Off by default; when off, <see cref="Op"/> pays one thread-static null check per call.
/// </summary>
public sealed class OpRecorder : IDisposable
{
    [ThreadStatic] static OpRecorder? current;

    readonly List<RecordedOp> ops = [];
    readonly HashSet<Tensor> dynamic = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, Tensor> constants = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, string> named = new(ReferenceEqualityComparer.Instance);
    readonly List<Module> moduleStack = [];
    Dictionary<Module, string>? modulePaths;
    int suspended;
    bool disposed;

    OpRecorder(Module? root)
    {
        Root = root;
        if (root == null) return;
        foreach (var (name, t) in root.NamedParameters()) named[t] = name;
        foreach (var (name, t) in root.NamedBuffers()) named.TryAdd(t, name);
    }

    /// <summary>The recorder active on this thread, or null.</summary>
    public static OpRecorder? Current => current;

    /// <summary>Starts recording on this thread; dispose the recorder to stop (and free its copies).</summary>
    public static OpRecorder Start(Module? root = null)
    {
        if (current != null) throw new InvalidOperationException("an OpRecorder is already active on this thread");
        return current = new OpRecorder(root);
    }

    /// <summary>Stops recording on this thread and keeps what was recorded (read it, then dispose).</summary>
    public void Stop()
    {
        if (ReferenceEquals(current, this)) current = null;
    }

    public Module? Root { get; }
    public IReadOnlyList<RecordedOp> Ops => ops;

    /// <summary>Declares <paramref name="input"/> a graph input: it and everything computed from it are dynamic.</summary>
    public void MarkInput(Tensor input) => dynamic.Add(input);

    public bool IsDynamic(Tensor t) => dynamic.Contains(t);

    /// <summary>The parameter or buffer name of <paramref name="t"/> in <see cref="Root"/>, or null.</summary>
    public string? NameOf(Tensor t) => named.GetValueOrDefault(t);

    /// <summary>The value of a constant tensor as it was when the record first saw it (a parameter: itself).</summary>
    public Tensor ConstantValue(Tensor t)
    {
        if (named.ContainsKey(t)) return t;
        return constants.TryGetValue(t, out var v) ? v
            : throw new InvalidOperationException($"tensor {t.Describe()} was not seen by the recorder as a constant");
    }

    /// <summary>The dotted path of <paramref name="module"/> under <see cref="Root"/> (its type name otherwise).</summary>
    public string PathOf(Module? module)
    {
        if (module == null) return "(outside any module)";
        if (modulePaths == null)
        {
            modulePaths = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
            if (Root != null) foreach (var (name, m) in Root.NamedModules()) modulePaths[m] = name;
        }
        return modulePaths.TryGetValue(module, out var path) ? $"{module.TypeName} '{(path.Length == 0 ? "(root)" : path)}'" : module.TypeName;
    }

    internal void EnterModule(Module module) => moduleStack.Add(module);

    internal void ExitModule() => moduleStack.RemoveAt(moduleStack.Count - 1);

    /// <summary>Before a call: copies constant inputs seen for the first time (an in-place call may change them).</summary>
    internal void BeforeCall(ReadOnlySpan<Arg> args)
    {
        if (suspended > 0) return;
        foreach (ref readonly var a in args)
            foreach (var t in TensorsOf(a))
                if (!dynamic.Contains(t) && !named.ContainsKey(t) && !constants.ContainsKey(t)) Capture(t);
    }

    /// <summary>After a call: records it; results computed from a dynamic input are dynamic, others are copied.</summary>
    internal void AfterCall(Op op, ReadOnlySpan<Arg> args, OpResult[] results, bool inPlace)
    {
        if (suspended > 0) return;
        bool isDynamic = false;
        foreach (ref readonly var a in args)
            foreach (var t in TensorsOf(a))
                isDynamic |= dynamic.Contains(t);
        var outputs = new List<Tensor>();
        foreach (var r in results)
        {
            if (r.Tensor != null) outputs.Add(r.Tensor);
            if (r.TensorList != null) outputs.AddRange(r.TensorList);
        }
        if (inPlace) outputs = [(Tensor)args[0].Obj!];
        foreach (var t in outputs)
        {
            if (isDynamic) { dynamic.Add(t); constants.Remove(t, out var stale); stale?.Dispose(); }
            else if (!named.ContainsKey(t)) Capture(t);
        }
        ops.Add(new RecordedOp(op.Name, op.Overload, args.ToArray(), results, outputs.ToArray(),
                               outputs.Select(t => t.Shape).ToArray(), outputs.Select(t => t.DType).ToArray(),
                               inPlace, isDynamic, moduleStack.Count > 0 ? moduleStack[^1] : null));
    }

    /// <summary>An alias is the same value under another object.</summary>
    internal void RecordAlias(Tensor source, Tensor alias)
    {
        if (suspended > 0) return;
        if (dynamic.Contains(source)) dynamic.Add(alias);
        else if (named.TryGetValue(source, out var name)) named[alias] = name;
        else
        {
            if (!constants.ContainsKey(source)) Capture(source);
            constants[alias] = constants[source];
            return;
        }
        ops.Add(new RecordedOp("osprey::alias", "", [source], [], [alias], [alias.Shape], [alias.DType], false,
                               dynamic.Contains(alias), moduleStack.Count > 0 ? moduleStack[^1] : null));
    }

    void Capture(Tensor t)
    {
        suspended++;
        try
        {
            using var detached = t.Detach();
            var copy = detached.Clone().DetachFromScope();
            if (constants.Remove(t, out var old) && !constants.Values.Any(v => ReferenceEquals(v, old))) old.Dispose();
            constants[t] = copy;
        }
        finally { suspended--; }
    }

    static IEnumerable<Tensor> TensorsOf(Arg a) => a.Tag switch
    {
        Native.ValueTag.Tensor => [(Tensor)a.Obj!],
        Native.ValueTag.TensorList => (Tensor[])a.Obj!,
        Native.ValueTag.OptionalTensorList => ((Tensor?[])a.Obj!).OfType<Tensor>(),
        _ => [],
    };

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (ReferenceEquals(current, this)) current = null;
        foreach (var v in constants.Values.Distinct(ReferenceEqualityComparer.Instance)) ((Tensor)v!).Dispose();
        constants.Clear();
    }
}
