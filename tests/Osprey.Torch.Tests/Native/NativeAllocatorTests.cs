using System.Runtime.InteropServices;

namespace Osprey.Torch.Tests.Native;

/// <summary>After LibTorch.ReturnLargeBuffersToSystem, freed tensor buffers of 1 MiB and more do not stay in glibc's heap
/// as free memory (glibc's default keeps them there once its mmap threshold has grown). Measured by mallinfo2's free
/// heap bytes, which, unlike the resident size, other allocations of the process do not move.</summary>
public class NativeAllocatorTests
{
    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallInfo2 Info();

    static double FreeHeapMiB() => Info().FordBlks / (1024.0 * 1024);

    [Fact]
    public void FreedLargeBuffersDoNotStayInTheHeap()
    {
        LibTorch.ReturnLargeBuffersToSystem();
        Tensor.Ones([512 * 1024]).Dispose();   // without the setting, glibc's threshold now rises past 2 MiB
        const int count = 128;   // 128 buffers of 2 MiB, each with a small tensor after it
        double before, after;
        using (var scope = TensorScope.Begin())
        {
            var large = new List<Tensor>();
            before = FreeHeapMiB();
            for (int i = 0; i < count; i++)
            {
                large.Add(Tensor.Ones([512 * 1024]));
                Tensor.Ones([16]);   // still alive while the large ones are freed: heap chunks could not coalesce
            }
            foreach (var t in large) t.Dispose();
            after = FreeHeapMiB();
        }
        Assert.True(after - before < 64, $"freeing 256 MiB of tensors left {after - before:F0} MiB free in the heap");
    }
}
