using System.Runtime.InteropServices;
using Osprey.Torch.Native;

namespace Osprey.Torch;

/// <summary>The backend of libtorch's quantized operators, process-wide (<c>torch.backends.quantized.engine</c>).
/// Debian's libtorch 1.13.1 has onednn and qnnpack, not fbgemm.</summary>
public static class QuantizedEngine
{
    public static string Current
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_quantized_engine(out var name), "quantized engine");
            return Marshal.PtrToStringUTF8(name) ?? "";
        }
        set => NativeMethods.Check(NativeMethods.osp_set_quantized_engine(value), "set quantized engine");
    }
}
