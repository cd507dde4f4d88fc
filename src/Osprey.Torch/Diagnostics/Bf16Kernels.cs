namespace Osprey.Torch.Diagnostics;

/// <summary>
/// Whether libtorch 1.13 runs bf16 fast on a CPU with these /proc/cpuinfo flags: ATen hands bf16 convolutions and
/// matmuls to oneDNN only when the CPU has AVX-512 BW, VL and DQ; elsewhere its reference kernels run them, 15-50x
/// slower than fp32 (bench/RESULTS.md, reduced-precision).
/// </summary>
public static class Bf16Kernels
{
    public static string Describe(IReadOnlySet<string> cpuFlags) =>
        !new[] { "avx512bw", "avx512vl", "avx512dq" }.All(cpuFlags.Contains) ? "no: libtorch's bf16 runs on its slow reference kernels (oneDNN's need avx512bw, avx512vl, avx512dq)"
        : cpuFlags.Contains("amx_bf16") ? "yes: oneDNN, AMX tiles"
        : cpuFlags.Contains("avx512_bf16") ? "yes: oneDNN, native avx512_bf16 dot products"
        : "yes: oneDNN, bf16 emulated on AVX-512 (no avx512_bf16)";
}
