using Osprey.Torch.Native;

namespace Osprey.Torch;

/// <summary>One result of an operator call: a tensor, a tensor list, a number, an int list or None.</summary>
public readonly struct OpResult
{
    public Tensor? Tensor { get; private init; }
    public Tensor[]? TensorList { get; private init; }
    public long[]? IntList { get; private init; }
    /// <summary>A TorchBind object (quantized packed weights, say); the caller owns and disposes it.</summary>
    public TorchObject? Object { get; private init; }
    public double Number { get; private init; }
    public bool IsNumber { get; private init; }
    public bool IsNone { get; private init; }

    /// <summary>Takes ownership of a native result, freeing native arrays.</summary>
    internal static unsafe OpResult Adopt(ref NativeValue v)
    {
        switch (v.Tag)
        {
            case ValueTag.Tensor:
                return new OpResult { Tensor = new Tensor(v.P) };
            case ValueTag.TensorList:
            {
                var handles = (IntPtr*)v.P;
                var list = new Tensor[v.N];
                for (long k = 0; k < v.N; k++) list[k] = new Tensor(handles[k]);
                NativeMethods.osp_free(v.P);
                return new OpResult { TensorList = list };
            }
            case ValueTag.IntList:
            {
                var ints = new ReadOnlySpan<long>((void*)v.P, (int)v.N).ToArray();
                NativeMethods.osp_free(v.P);
                return new OpResult { IntList = ints };
            }
            case ValueTag.Int:
            case ValueTag.Bool:
                return new OpResult { Number = v.I, IsNumber = true };
            case ValueTag.Double:
                return new OpResult { Number = v.D, IsNumber = true };
            case ValueTag.Object:
                return new OpResult { Object = new TorchObject(v.P) };
            default:
                return new OpResult { IsNone = true };
        }
    }
}
