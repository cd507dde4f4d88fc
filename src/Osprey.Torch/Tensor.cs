using Osprey.Torch.Native;

namespace Osprey.Torch;

/// <summary>
/// A libtorch tensor. Owns one native handle and frees it on Dispose; a tensor made inside a
/// <see cref="TensorScope"/> is disposed with that scope unless kept.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    static long live;

    readonly TensorHandle handle;
    int disposed;

    internal TensorScope? Owner;

    internal Tensor(IntPtr native)
    {
        handle = new TensorHandle(native);
        Interlocked.Increment(ref live);
        TensorScope.Adopt(this);
    }

    /// <summary>Tensors created and not yet disposed, on all threads.</summary>
    public static long LiveCount => Interlocked.Read(ref live);

    /// <summary>Native tensor handles alive in the shim (includes any not owned by a C# Tensor).</summary>
    public static long NativeLiveCount => NativeMethods.osp_live_tensors();

    public bool IsDisposed => Volatile.Read(ref disposed) != 0;

    internal IntPtr Handle
    {
        get
        {
            if (IsDisposed) throw new TorchException("tensor used after Dispose");
            return handle.DangerousGetHandle();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        handle.Dispose();
        Interlocked.Decrement(ref live);
    }

    /// <summary>Disposes a handle that the scope has not seen escape (an in-place op's alias of self).</summary>
    internal void DisposeUnscoped()
    {
        Owner = null;
        Dispose();
    }

    /// <summary>Takes this tensor out of any scope: the caller (a module, a cache) now owns it.</summary>
    public Tensor DetachFromScope()
    {
        Owner = null;
        return this;
    }

    /// <summary>A second handle to the same tensor (same storage, same autograd node).</summary>
    public Tensor Alias()
    {
        NativeMethods.Check(NativeMethods.osp_tensor_alias(Handle, out var alias), "alias");
        var result = new Tensor(alias);
        Tracing.OpRecorder.Current?.RecordAlias(this, result);
        return result;
    }

    public long Dim
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_tensor_dim(Handle, out var dim), "dim");
            return dim;
        }
    }

    public unsafe long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            fixed (long* p = shape) NativeMethods.Check(NativeMethods.osp_tensor_sizes(Handle, p, shape.Length), "sizes");
            return shape;
        }
    }

    public unsafe long[] Strides
    {
        get
        {
            var strides = new long[Dim];
            fixed (long* p = strides) NativeMethods.Check(NativeMethods.osp_tensor_strides(Handle, p, strides.Length), "strides");
            return strides;
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(long dim)
    {
        var shape = Shape;
        var d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
            throw new TorchException($"dimension {dim} out of range for a tensor of rank {shape.Length}");
        return shape[d];
    }

    public long NumEl => Shape.Aggregate(1L, (a, b) => a * b);

    public DType DType
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_tensor_dtype(Handle, out var code), "dtype");
            return (DType)code;
        }
    }

    public Device Device
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_tensor_device(Handle, out var type, out var index), "device");
            return new Device((DeviceType)type, index);
        }
    }

    public bool RequiresGrad
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_tensor_requires_grad(Handle, out var v), "requires_grad");
            return v != 0;
        }
        set => NativeMethods.Check(NativeMethods.osp_tensor_set_requires_grad(Handle, value ? 1 : 0), "requires_grad_");
    }

    public bool IsLeaf
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_tensor_is_leaf(Handle, out var v), "is_leaf");
            return v != 0;
        }
    }

    /// <summary>True when both tensors are the same tensor (same TensorImpl).</summary>
    public bool IsSame(Tensor other)
    {
        NativeMethods.Check(NativeMethods.osp_tensor_same(Handle, other.Handle, out var v), "is_same");
        return v != 0;
    }

    /// <summary>Address of the first element (CPU tensors; valid while the tensor lives).</summary>
    public IntPtr DataPointer
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_tensor_data_ptr(Handle, out var p), "data_ptr");
            return p;
        }
    }

    /// <summary>"Tensor[2, 3] float32", as error messages show a tensor.</summary>
    public string Describe() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor[{string.Join(", ", Shape)}] {DType.Name()}" + (Device.Type == DeviceType.Cpu ? "" : $" {Device}");

    public override string ToString() => Describe();
}
