using Osprey.Torch.Diagnostics;

namespace Osprey.Torch.Tests.Native;

/// <summary>What <c>osprey doctor</c> says of libtorch's bf16 kernels for a CPU's flags.</summary>
public class Bf16KernelsTests
{
    [Theory]
    [InlineData("avx2 fma", "no: ")]
    [InlineData("avx512f avx512bw avx512vl", "no: ")]
    [InlineData("avx512f avx512bw avx512vl avx512dq", "yes: oneDNN, bf16 emulated")]
    [InlineData("avx512bw avx512vl avx512dq avx512_bf16", "yes: oneDNN, native avx512_bf16")]
    [InlineData("avx512bw avx512vl avx512dq avx512_bf16 amx_bf16", "yes: oneDNN, AMX")]
    public void NeedAvx512BwVlDq(string flags, string expected) =>
        Assert.StartsWith(expected, Bf16Kernels.Describe(flags.Split(' ').ToHashSet()));
}
