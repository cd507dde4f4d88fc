using System.Runtime.InteropServices;
using Osprey.Torch.Native;

namespace Osprey.Torch;

/// <summary>Owns one native at::Tensor handle; releasing it frees the handle (not necessarily the storage).</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.osp_tensor_free(handle);
        return true;
    }
}
