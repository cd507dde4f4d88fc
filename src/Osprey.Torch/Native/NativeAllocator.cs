using System.Runtime.InteropServices;

namespace Osprey.Torch.Native;

/// <summary>glibc's malloc, through which libtorch's CPU allocator gets every tensor's memory.</summary>
static partial class NativeAllocator
{
    const int MmapThreshold = -3;   // M_MMAP_THRESHOLD in malloc.h

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    public static void SetMmapThreshold(int bytes)
    {
        if (MallOpt(MmapThreshold, bytes) != 1) throw new InvalidOperationException($"mallopt(M_MMAP_THRESHOLD, {bytes}) refused");
    }
}
