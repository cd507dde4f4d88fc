using System.Runtime.InteropServices;
using Osprey.Torch.Native;

namespace Osprey.Torch;

/// <summary>Process-wide facts and settings of the loaded libtorch.</summary>
public static class LibTorch
{
    public static string Version => Marshal.PtrToStringUTF8(NativeMethods.osp_version()) ?? "";
    public static string BuildConfig => Marshal.PtrToStringUTF8(NativeMethods.osp_build_config()) ?? "";
    /// <summary>Whether this libtorch was compiled with CUDA (its build settings say USE_CUDA=ON), whatever devices exist.</summary>
    public static bool BuiltWithCuda => BuildConfig.Contains("USE_CUDA=ON", StringComparison.Ordinal);

    public static string ParallelInfo => Marshal.PtrToStringUTF8(NativeMethods.osp_parallel_info()) ?? "";

    /// <summary>Where libosprey_native.so was loaded from (null before the first native call).</summary>
    public static string? NativeLibraryPath => NativeLoader.LoadedFrom;

    public static int Threads
    {
        get => NativeMethods.osp_get_num_threads();
        set => NativeMethods.Check(NativeMethods.osp_set_num_threads(value), "set_num_threads");
    }

    public static long CudaDeviceCount
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_cuda_device_count(out var n), "cuda device count");
            return n;
        }
    }

    public static void ManualSeed(ulong seed) => NativeMethods.Check(NativeMethods.osp_manual_seed(seed), "manual_seed");

    /// <summary>The default CPU generator's state as a uint8 tensor (torch.get_rng_state()).</summary>
    public static Tensor GetRngState()
    {
        NativeMethods.Check(NativeMethods.osp_rng_get_state(out var t), "get_rng_state");
        return new Tensor(t);
    }

    public static void SetRngState(Tensor state) =>
        NativeMethods.Check(NativeMethods.osp_rng_set_state(state.Handle), "set_rng_state");
}
