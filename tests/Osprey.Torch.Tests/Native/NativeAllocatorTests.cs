namespace Osprey.Torch.Tests.Native;

/// <summary>After LibTorch.ReturnLargeBuffersToSystem, freed tensor buffers of 1 MiB and more leave the process's
/// resident memory at once (glibc's default keeps them in its heap once its mmap threshold has grown).</summary>
public class NativeAllocatorTests
{
    static double ResidentMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        throw new InvalidOperationException("/proc/self/status has no VmRSS");
    }

    [Fact]
    public void FreedLargeBuffersLeaveResidentMemory()
    {
        LibTorch.ReturnLargeBuffersToSystem();
        Tensor.Ones([512 * 1024]).Dispose();   // without the setting, glibc's threshold now rises past 2 MiB
        const int count = 128;   // 128 buffers of 2 MiB, written: 256 MiB resident, each with a small tensor after it
        double before, held, after;
        using (var scope = TensorScope.Begin())
        {
            before = ResidentMiB();
            var large = new List<Tensor>();
            for (int i = 0; i < count; i++)
            {
                large.Add(Tensor.Ones([512 * 1024]));
                Tensor.Ones([16]);   // still alive while the large ones are freed: heap chunks could not coalesce
            }
            held = ResidentMiB();
            foreach (var t in large) t.Dispose();
            after = ResidentMiB();
        }
        Assert.True(held - before > 200, $"resident memory grew {held - before:F0} MiB for 256 MiB of tensors");
        Assert.True(held - after > 200, $"freeing 256 MiB of tensors gave back {held - after:F0} MiB");
    }
}
