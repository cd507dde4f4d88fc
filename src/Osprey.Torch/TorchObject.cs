using System.Runtime.InteropServices;
using Osprey.Torch.Native;

namespace Osprey.Torch;

/// <summary>
/// A TorchBind object an operator returned, e.g. the packed weights of <c>quantized::conv2d_prepack</c>, passed back as
/// an argument of the operators that take it. Owned by whoever holds it; <see cref="Dispose"/> frees it.
/// </summary>
public sealed class TorchObject : IDisposable
{
    IntPtr handle;

    internal TorchObject(IntPtr handle) => this.handle = handle;

    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(TorchObject));

    /// <summary>The TorchBind class, e.g. <c>__torch__.torch.classes.quantized.Conv2dPackedParamsBase</c>.</summary>
    public string ClassName
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_object_type(Handle, out var name), "object type");
            return Marshal.PtrToStringUTF8(name) ?? "";
        }
    }

    public override string ToString() => handle == IntPtr.Zero ? "<disposed object>" : $"<{ClassName}>";

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        NativeMethods.osp_object_free(handle);
        handle = IntPtr.Zero;
        GC.SuppressFinalize(this);
    }

    ~TorchObject()
    {
        if (handle != IntPtr.Zero) NativeMethods.osp_object_free(handle);
    }
}
