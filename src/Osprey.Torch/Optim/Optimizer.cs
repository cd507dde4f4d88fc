using System.Text.Json;
using System.Text.Json.Nodes;

namespace Osprey.Torch.Optim;

/// <summary>
/// Base of the optimizers: parameter groups, a lazily created state per parameter (owned here, disposed
/// with the optimizer), Step under no_grad that skips parameters without a gradient, ZeroGrad with
/// set_to_none semantics, and a state dict for exact resume. Parameters are referenced, not owned.
/// </summary>
public abstract class Optimizer : IDisposable
{
    static readonly JsonSerializerOptions OptionsJson = new() { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    readonly ParamGroup[] groups;
    readonly Tensor[] parameters;
    readonly ParamState?[] states;
    bool disposed;

    protected Optimizer(IEnumerable<ParamGroup> paramGroups, OptimizerOptions defaults)
    {
        CheckOptions(defaults, "defaults");
        groups = paramGroups.ToArray();
        if (groups.Length == 0) throw new ArgumentException($"{TypeName}: no parameter groups given");
        for (int g = 0; g < groups.Length; g++)
        {
            var group = groups[g];
            group.Options ??= defaults;
            CheckOptions(group.Options, $"param group {g}");
            if (double.IsNaN(group.Lr)) group.Lr = group.Options.Lr;
        }
        parameters = groups.SelectMany(g => g.Params).ToArray();
        if (parameters.Length == 0) throw new ArgumentException($"{TypeName}: got an empty parameter list");
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!parameters[i].IsLeaf)
                throw new ArgumentException($"{TypeName}: parameter {i} ({parameters[i].Describe()}) is not a leaf tensor; only leaves can be optimized");
            for (int j = 0; j < i; j++)
                if (ReferenceEquals(parameters[i], parameters[j]) || parameters[i].IsSame(parameters[j]))
                    throw new ArgumentException($"{TypeName}: parameters {j} and {i} are the same tensor (a parameter may appear in one group only, once)");
        }
        states = new ParamState?[parameters.Length];
    }

    /// <summary>PyTorch's class name: "SGD", "Adam", "AdamW" (written into state dicts).</summary>
    public abstract string TypeName { get; }

    /// <summary>The options record type this optimizer reads (SgdOptions, AdamOptions).</summary>
    protected abstract Type OptionsType { get; }

    /// <summary>Whether per-parameter state carries a step count ('step' in the state dict).</summary>
    protected abstract bool HasStepCount { get; }

    /// <summary>The buffers a parameter's state holds once stepped under <paramref name="options"/>.</summary>
    protected abstract IReadOnlyList<string> StateNames(OptimizerOptions options);

    /// <summary>Updates one parameter in place from its gradient (called under no_grad in a scope).</summary>
    protected abstract void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state);

    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>All parameters across the groups, in order (the indices of the state dict).</summary>
    public IReadOnlyList<Tensor> Parameters => parameters;

    /// <summary>The state of parameter <paramref name="index"/>, or null before its first step with a gradient.</summary>
    public ParamState? StateOf(int index) => states[index];

    public void Step()
    {
        ThrowIfDisposed();
        using var noGrad = Autograd.NoGrad();
        int index = 0;
        foreach (var group in groups)
            foreach (var param in group.Params)
            {
                using var scope = TensorScope.Begin();
                if (param.Grad is { } grad) Update(group, param, grad, states[index] ??= new ParamState());
                index++;
            }
    }

    /// <summary>Drops every parameter's gradient (zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad()
    {
        ThrowIfDisposed();
        foreach (var p in parameters) p.ClearGrad();
    }

    /// <summary>
    /// The state as PyTorch lays it out. Buffers are aliases of the live state (as PyTorch's references):
    /// save them before the next Step. Dispose the result.
    /// </summary>
    public OptimizerStateDict StateDict()
    {
        ThrowIfDisposed();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < states.Length; i++)
        {
            if (states[i] is not { } state) continue;
            foreach (var (name, buffer) in state.Buffers) tensors[OptimizerStateDict.Key(i, name)] = buffer.Alias().DetachFromScope();
            if (state.Step is { } step) tensors[OptimizerStateDict.Key(i, "step")] = Tensor.Scalar((float)step).DetachFromScope();
        }
        var groupNodes = new JsonArray();
        int first = 0;
        foreach (var group in groups)
        {
            var indices = new JsonArray(Enumerable.Range(first, group.Params.Count).Select(i => (JsonNode)i).ToArray());
            first += group.Params.Count;
            groupNodes.Add(new JsonObject
            {
                ["params"] = indices,
                ["lr"] = group.Lr,
                ["options"] = JsonSerializer.SerializeToNode(group.Options, OptionsType),
            });
        }
        return new OptimizerStateDict(tensors, new JsonObject { ["type"] = TypeName, ["param_groups"] = groupNodes });
    }

    /// <summary>
    /// Restores groups' hyper-parameters and current lr, and copies the per-parameter state. Validates
    /// everything first: on error (naming the group, key or field) this optimizer is unchanged.
    /// </summary>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ThrowIfDisposed();
        if (stateDict.Type != TypeName)
            throw new ArgumentException($"optimizer state was written by {stateDict.Type}; this optimizer is {TypeName}");
        var (options, lrs) = ReadGroups(stateDict.Groups);
        var loaded = new ParamState?[parameters.Length];
        try
        {
            ReadStates(stateDict.Tensors, options, loaded);
        }
        catch
        {
            foreach (var s in loaded) s?.Dispose();
            throw;
        }
        for (int g = 0; g < groups.Length; g++)
        {
            groups[g].Options = options[g];
            groups[g].Lr = lrs[g];
        }
        for (int i = 0; i < states.Length; i++)
        {
            states[i]?.Dispose();
            states[i] = loaded[i];
        }
    }

    (OptimizerOptions[] Options, double[] Lrs) ReadGroups(JsonObject json)
    {
        var saved = json["param_groups"] as JsonArray ?? throw new FormatException("optimizer state has no 'param_groups' array");
        if (saved.Count != groups.Length)
            throw new ArgumentException($"optimizer state has {saved.Count} param group(s); this {TypeName} has {groups.Length}");
        var options = new OptimizerOptions[groups.Length];
        var lrs = new double[groups.Length];
        int first = 0;
        for (int g = 0; g < groups.Length; g++)
        {
            var node = saved[g] as JsonObject ?? throw new FormatException($"param group {g}: not a JSON object");
            var indices = (node["params"] as JsonArray)?.Select(n => n!.GetValue<int>()).ToArray()
                          ?? throw new FormatException($"param group {g}: no 'params' array");
            if (!indices.SequenceEqual(Enumerable.Range(first, groups[g].Params.Count)))
                throw new ArgumentException($"param group {g}: state holds {indices.Length} parameters [{string.Join(", ", indices)}]; " +
                                            $"this group has {groups[g].Params.Count} starting at index {first}");
            first += groups[g].Params.Count;
            try
            {
                options[g] = (OptimizerOptions)(node["options"]?.Deserialize(OptionsType, OptionsJson)
                                                ?? throw new FormatException("no 'options' object"));
                lrs[g] = node["lr"]?.GetValue<double>() ?? throw new FormatException("no 'lr'");
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw new FormatException($"param group {g}: invalid {OptionsType.Name} in optimizer state: {e.Message}", e);
            }
            CheckOptions(options[g], $"param group {g} of the loaded state");
        }
        return (options, lrs);
    }

    void ReadStates(Dictionary<string, Tensor> tensors, OptimizerOptions[] options, ParamState?[] loaded)
    {
        var groupOf = groups.SelectMany((g, k) => g.Params.Select(_ => k)).ToArray();
        using var scope = TensorScope.Begin();
        foreach (var (key, tensor) in tensors)
        {
            var (index, name) = OptimizerStateDict.ParseKey(key);
            if (index >= parameters.Length)
                throw new ArgumentException($"optimizer state '{key}': parameter index {index} out of range ({parameters.Length} parameters)");
            var state = loaded[index] ??= new ParamState();
            var param = parameters[index];
            if (name == "step" && HasStepCount)
            {
                if (tensor.NumEl != 1) throw new ArgumentException($"optimizer state '{key}': expected one number, got {tensor.Describe()}");
                var step = tensor.Item<double>();
                if (step < 0 || step != Math.Floor(step)) throw new ArgumentException($"optimizer state '{key}': step {step} is not a count");
                state.Step = (long)step;
                continue;
            }
            if (!StateNames(options[groupOf[index]]).Contains(name))
                throw new ArgumentException($"optimizer state '{key}': {TypeName} with these options keeps no '{name}' " +
                                            $"(expected {string.Join(", ", StateNames(options[groupOf[index]]).Append(HasStepCount ? "step" : null).OfType<string>())})");
            if (!tensor.Shape.SequenceEqual(param.Shape))
                throw new ArgumentException($"optimizer state '{key}': shape [{string.Join(", ", tensor.Shape)}] does not match parameter {index} [{string.Join(", ", param.Shape)}]");
            state.Set(name, tensor.To(param.Device, param.DType).Clone());
        }
        for (int i = 0; i < loaded.Length; i++)
        {
            if (loaded[i] is not { } state) continue;
            var missing = StateNames(options[groupOf[i]]).Where(n => state[n] is null).ToList();
            if (HasStepCount && state.Step is null) missing.Add("step");
            if (missing.Count > 0)
                throw new ArgumentException($"optimizer state of parameter {i} lacks {string.Join(", ", missing.Select(m => OptimizerStateDict.Key(i, m)))}");
        }
    }

    void CheckOptions(OptimizerOptions options, string where)
    {
        if (options.GetType() != OptionsType)
            throw new ArgumentException($"{TypeName} {where}: got {options.GetType().Name}, expected {OptionsType.Name}");
        options.Validate();
    }

    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var s in states) s?.Dispose();
        Array.Clear(states);
        GC.SuppressFinalize(this);
    }
}
