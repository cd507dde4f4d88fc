using System.Runtime.InteropServices;

namespace Osprey.Torch.Native;

/// <summary>The tagged union passed to and returned from <c>osp_op_call</c> (<c>osp_value</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeValue
{
    public ValueTag Tag;
    public int Reserved;
    public long N;
    public long I;
    public double D;
    public IntPtr P;
}
