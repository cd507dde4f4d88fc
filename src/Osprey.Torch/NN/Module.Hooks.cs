namespace Osprey.Torch.NN;

public abstract partial class Module
{
    readonly List<Action<Module, object?, object?>> forwardHooks = [];

    /// <summary>
    /// Calls <paramref name="hook"/>(module, input, output) after every <c>Call</c> of this module, with the
    /// forward's input and output as they are (a Tensor, or the module's input/output record). The hook must
    /// not dispose them, and they may be freed when the enclosing forward's scope ends (inside a Sequential, say):
    /// a hook that keeps one (feature extraction) takes <c>t.Alias().DetachFromScope()</c> and disposes it later.
    /// Dispose the returned handle to remove the hook.
    /// </summary>
    public IDisposable RegisterForwardHook(Action<Module, object?, object?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        ThrowIfDisposed();
        forwardHooks.Add(hook);
        return new HookHandle(forwardHooks, hook);
    }

    public int ForwardHookCount => forwardHooks.Count;

    /// <summary>Opened around every forward of this module and its hooks (e.g. an <see cref="Autocast"/> region), and
    /// disposed after them; null for none. Being per call, it holds on whichever thread runs the module.</summary>
    public Func<IDisposable>? ForwardScope { get; set; }

    /// <summary>Runs the forward hooks (for modules whose call method is not <see cref="Module{TIn,TOut}.Call"/>).</summary>
    protected void RunForwardHooks(object? input, object? output)
    {
        // A copy: a hook may remove itself while running.
        foreach (var hook in forwardHooks.ToArray()) hook(this, input, output);
    }

    sealed class HookHandle(List<Action<Module, object?, object?>> hooks, Action<Module, object?, object?> hook) : IDisposable
    {
        bool removed;

        public void Dispose()
        {
            if (removed) return;
            removed = true;
            hooks.Remove(hook);
        }
    }
}

/// <summary>A module with one forward signature: <see cref="Call"/> runs <see cref="Forward"/> and then the
/// forward hooks, which see the input and the output.</summary>
public abstract class Module<TIn, TOut> : Module
{
    public abstract TOut Forward(TIn input);

    public TOut Call(TIn input)
    {
        ThrowIfDisposed();
        using var scope = ForwardScope?.Invoke();
        var recorder = Tracing.OpRecorder.Current;
        if (recorder == null)
        {
            var plain = Forward(input);
            RunForwardHooks(input, plain);
            return plain;
        }
        recorder.EnterModule(this);
        try
        {
            var output = Forward(input);
            RunForwardHooks(input, output);
            return output;
        }
        finally { recorder.ExitModule(); }
    }

    /// <summary>A typed forward hook: <c>(module, input, output) => ...</c>.</summary>
    public IDisposable RegisterForwardHook(Action<Module, TIn, TOut> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return base.RegisterForwardHook((m, i, o) => hook(m, (TIn)i!, (TOut)o!));
    }
}
