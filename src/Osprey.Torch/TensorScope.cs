namespace Osprey.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost scope, and disposes them with
/// itself, except those kept: <c>using var scope = TensorScope.Begin(); ... return scope.Keep(y);</c>
/// Keep moves a tensor to the enclosing scope (or to the caller when there is none).
/// Scopes nest per thread and must be disposed innermost first.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] static TensorScope? current;

    readonly TensorScope? parent;
    readonly List<Tensor> owned = [];
    bool disposed;

    TensorScope(TensorScope? parent) => this.parent = parent;

    public static TensorScope Begin() => current = new TensorScope(current);

    /// <summary>The innermost scope of this thread, or null.</summary>
    public static TensorScope? Current => current;

    /// <summary>Tensors this scope still owns.</summary>
    public int Count => owned.Count(t => t.Owner == this && !t.IsDisposed);

    internal static void Adopt(Tensor t)
    {
        var scope = current;
        if (scope == null) return;
        t.Owner = scope;
        scope.owned.Add(t);
    }

    /// <summary>Moves <paramref name="t"/> out of this scope to the enclosing one (or to the caller).</summary>
    public Tensor Keep(Tensor t)
    {
        if (disposed) throw new InvalidOperationException("TensorScope.Keep after Dispose");
        t.Owner = parent;
        parent?.owned.Add(t);
        return t;
    }

    public void Keep(params ReadOnlySpan<Tensor> tensors)
    {
        foreach (var t in tensors) Keep(t);
    }

    public void Dispose()
    {
        if (disposed) return;
        if (current != this)
            throw new InvalidOperationException("TensorScope disposed out of order (an inner scope is still open, or another thread owns it)");
        disposed = true;
        current = parent;
        foreach (var t in owned)
            if (t.Owner == this) t.Dispose();
        owned.Clear();
    }
}
