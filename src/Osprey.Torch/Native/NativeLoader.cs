using System.Reflection;
using System.Runtime.InteropServices;

namespace Osprey.Torch.Native;

/// <summary>Resolves the shim's DllImports to libosprey_native.so (see <see cref="LocatedLibrary"/>).</summary>
internal static class NativeLoader
{
    public static readonly LocatedLibrary Library = new("libosprey_native.so", "OSPREY_NATIVE",
        "Build it with scripts/setup.sh (installs libtorch-dev, cmake, g++ and builds native/), or set OSPREY_NATIVE to its path. " +
        "A message naming libtorch_cpu.so or libc10.so means libtorch itself is missing: apt-get install libtorch-dev.");

    static int registered;

    public static string? LoadedFrom => Library.LoadedFrom;
    public static IntPtr Handle => Library.Handle;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == NativeMethods.Library ? Handle : IntPtr.Zero;
}
