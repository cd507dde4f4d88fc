using Osprey.Torch.Native;

namespace Osprey.Torch;

public sealed partial class Tensor
{
    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/> with the given shape (default 1-D).</summary>
    public static unsafe Tensor From<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        if (shape.Length == 0 && data.Length != 1) shape = [data.Length];
        long count = 1;
        foreach (var s in shape)
        {
            if (s < 0) throw new TorchException($"negative dimension in shape [{string.Join(", ", shape)}]");
            count *= s;
        }
        if (count != data.Length)
            throw new TorchException($"shape [{string.Join(", ", shape)}] needs {count} elements, data has {data.Length}");
        IntPtr t;
        fixed (T* p = data)
        fixed (long* s = shape)
            NativeMethods.Check(NativeMethods.osp_tensor_from_data(p, (int)DTypeInfo.Of<T>(), s, shape.Length, out t), "from_data");
        return new Tensor(t);
    }

    public static Tensor From<T>(T[] data, params long[] shape) where T : unmanaged => From((ReadOnlySpan<T>)data, shape);

    /// <summary>A 0-d tensor.</summary>
    public static Tensor Scalar<T>(T value) where T : unmanaged => From([value], []);

    /// <summary>A new CPU tensor of <paramref name="dtype"/> from raw little-endian bytes (float16/bfloat16 included).</summary>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, params long[] shape)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count * dtype.ElementSize() != bytes.Length)
            throw new TorchException($"shape [{string.Join(", ", shape)}] of {dtype.Name()} needs {count * dtype.ElementSize()} bytes, got {bytes.Length}");
        IntPtr t;
        fixed (byte* p = bytes)
        fixed (long* s = shape)
            NativeMethods.Check(NativeMethods.osp_tensor_from_data(p, (int)dtype, s, shape.Length, out t), "from_bytes");
        return new Tensor(t);
    }

    /// <summary>The elements in row-major order; <typeparamref name="T"/> must match the dtype.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var expected = DTypeInfo.Of<T>();
        if (DType != expected)
            throw new TorchException($"ToArray<{typeof(T).Name}> on a {DType.Name()} tensor: convert with To(DType.{expected}) first");
        var result = new T[NumEl];
        fixed (T* p = result)
            NativeMethods.Check(NativeMethods.osp_tensor_to_data(Handle, p, (long)result.Length * sizeof(T)), "to_data");
        return result;
    }

    /// <summary>The raw bytes of the elements in row-major order.</summary>
    public unsafe byte[] ToBytes()
    {
        var result = new byte[NumEl * DType.ElementSize()];
        fixed (byte* p = result)
            NativeMethods.Check(NativeMethods.osp_tensor_to_data(Handle, p, result.Length), "to_data");
        return result;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public T Item<T>() where T : unmanaged
    {
        if (NumEl != 1) throw new TorchException($"Item() needs one element, {Describe()} has {NumEl}");
        using var converted = DType == DTypeInfo.Of<T>() ? null : To(DTypeInfo.Of<T>()).DetachFromScope();
        return (converted ?? this).ToArray<T>()[0];
    }
}
