using System.Reflection;
using System.Runtime.InteropServices;

namespace Osprey.Torch.Native;

/// <summary>
/// Finds libosprey_native.so: $OSPREY_NATIVE when set (and only there), else beside the assembly, then native/build of the
/// source tree the assembly was built from. Records where it was found for <c>osprey doctor</c>.
/// </summary>
internal static class NativeLoader
{
    public const string FileName = "libosprey_native.so";
    public static string? LoadedFrom { get; private set; }
    static int registered;
    static readonly Lazy<IntPtr> handle = new(Load);

    /// <summary>The loaded library (loads it on first use; throws DllNotFoundException naming every path tried).</summary>
    public static IntPtr Handle => handle.Value;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);
    }

    public static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable("OSPREY_NATIVE");
        if (!string.IsNullOrEmpty(env))
        {
            yield return env;
            yield break;
        }
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "native", "build", FileName);
            if (File.Exists(candidate)) { yield return candidate; yield break; }
        }
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == NativeMethods.Library ? Handle : IntPtr.Zero;

    static IntPtr Load()
    {
        var errors = new List<string>();
        foreach (var candidate in Candidates())
        {
            if (!File.Exists(candidate)) { errors.Add($"{candidate}: not found"); continue; }
            try
            {
                var handle = NativeLibrary.Load(candidate);
                LoadedFrom = candidate;
                return handle;
            }
            catch (DllNotFoundException e)
            {
                errors.Add($"{candidate}: {e.Message}");
            }
        }
        throw new DllNotFoundException(
            $"Cannot load {FileName}. Tried:\n  {string.Join("\n  ", errors)}\n" +
            "Build it with scripts/setup.sh (installs libtorch-dev, cmake, g++ and builds native/), or set OSPREY_NATIVE to its path. " +
            "A message naming libtorch_cpu.so or libc10.so means libtorch itself is missing: apt-get install libtorch-dev.");
    }
}
