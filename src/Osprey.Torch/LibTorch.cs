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

    /// <summary>
    /// Sets an environment variable for native code (getenv) unless it is set already, and returns the value in force.
    /// libgomp reads its settings once, when libtorch is loaded, so OMP_WAIT_POLICY and the like take effect only if
    /// set before the first libtorch call of the process.
    /// </summary>
    public static string SetNativeEnvironmentDefault(string name, string value) => ProcessEnvironment.SetDefault(name, value);

    /// <summary>
    /// Serves every tensor buffer of at least <paramref name="bytes"/> (default 1 MiB) straight from the system (mmap)
    /// and returns it on free. glibc otherwise raises its mmap threshold to the size of each large block freed (up to
    /// 32 MiB), so a forward's freed activations stay in the heap for later ones to fit into, and the peak RSS of an
    /// inference process grows by hundreds of MiB over PyTorch's on the same model (bench/inference_memory.sh).
    /// Process-wide and for good; glibc only (a musl or macOS libc throws).
    /// </summary>
    public static void ReturnLargeBuffersToSystem(int bytes = 1 << 20) => Native.NativeAllocator.SetMmapThreshold(bytes);

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
