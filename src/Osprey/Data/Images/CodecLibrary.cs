using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Osprey.Data.Images;

/// <summary>
/// Finds libosprey_codecs.so (our C wrapper over libpng and libjpeg-turbo, built with the native shim):
/// $OSPREY_CODECS when set (and only there), else beside the assembly, then native/build of the source tree.
/// </summary>
internal static class CodecLibrary
{
    public const string Name = "osprey_codecs";
    public const string FileName = "libosprey_codecs.so";
    static readonly Lazy<IntPtr> handle = new(Load);

    public static string? LoadedFrom { get; private set; }

    [ModuleInitializer]
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(CodecLibrary).Assembly, Resolve);

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name == Name ? handle.Value : IntPtr.Zero;

    static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable("OSPREY_CODECS");
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

    static IntPtr Load()
    {
        var errors = new List<string>();
        foreach (var candidate in Candidates())
        {
            if (!File.Exists(candidate)) { errors.Add($"{candidate}: not found"); continue; }
            try
            {
                var loaded = NativeLibrary.Load(candidate);
                LoadedFrom = candidate;
                return loaded;
            }
            catch (DllNotFoundException e)
            {
                errors.Add($"{candidate}: {e.Message}");
            }
        }
        throw new DllNotFoundException(
            $"Cannot load {FileName} (image codecs). Tried:\n  {string.Join("\n  ", errors)}\n" +
            "Build it with scripts/setup.sh (installs libpng-dev and libturbojpeg0-dev, builds native/), or set OSPREY_CODECS to its path.");
    }
}
