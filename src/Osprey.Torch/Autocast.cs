using Osprey.Torch.Native;

namespace Osprey.Torch;

/// <summary>
/// CPU autocast on this thread until disposed (<c>torch.autocast("cpu", dtype)</c>): convolutions, linears and matmuls
/// run in the given dtype (bfloat16 or float16), the operators ATen lists as precision-sensitive in float32, the rest in the dtype of
/// their inputs. Weights keep their float32 storage; their lower-precision copies are cached until the outermost region
/// ends. Dispose on the thread that entered.
/// </summary>
public sealed class Autocast : IDisposable
{
    IntPtr state;
    readonly int thread = Environment.CurrentManagedThreadId;

    Autocast(DType dtype) => NativeMethods.Check(NativeMethods.osp_autocast_cpu_enter((int)dtype, out state), "autocast enter");

    public static Autocast Cpu(DType dtype)
    {
        if (dtype is not (DType.BFloat16 or DType.Float16))
            throw new ArgumentException($"CPU autocast runs in bfloat16 or float16, not {dtype.Name()}", nameof(dtype));
        return new Autocast(dtype);
    }

    public void Dispose()
    {
        if (state == IntPtr.Zero) return;
        if (Environment.CurrentManagedThreadId != thread)
            throw new InvalidOperationException("an autocast region must end on the thread that began it (its state is thread-local)");
        NativeMethods.Check(NativeMethods.osp_autocast_cpu_exit(state), "autocast exit");
        state = IntPtr.Zero;
    }
}
