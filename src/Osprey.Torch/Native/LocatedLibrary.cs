using System.Runtime.InteropServices;

namespace Osprey.Torch.Native;

/// <summary>
/// One of Osprey's native libraries, found at the path in its environment variable when set (and only there),
/// else beside the assembly, then in the application's runtimes/&lt;rid&gt;/native/ (from the NuGet package), then in native/build of the source tree the assembly was built from. Loads on first
/// use; a failure names every path tried, then the hint.
/// </summary>
public sealed class LocatedLibrary
{
    readonly string environmentVariable, hint;
    readonly Lazy<IntPtr> loaded;

    public LocatedLibrary(string fileName, string environmentVariable, string hint)
    {
        (FileName, this.environmentVariable, this.hint) = (fileName, environmentVariable, hint);
        loaded = new Lazy<IntPtr>(Load);
    }

    public string FileName { get; }

    /// <summary>Where the library was loaded from (null before the first load).</summary>
    public string? LoadedFrom { get; private set; }

    /// <summary>The library's handle, loading it on first use.</summary>
    public IntPtr Handle => loaded.Value;

    public IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrEmpty(env))
        {
            yield return env;
            yield break;
        }
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        // Where NuGet puts a package's runtimes/linux-x64/native/ files in an application built without a runtime identifier.
        var packaged = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", FileName);
        if (File.Exists(packaged)) yield return packaged;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "native", "build", FileName);
            if (File.Exists(candidate)) { yield return candidate; yield break; }
        }
    }

    IntPtr Load()
    {
        var errors = new List<string>();
        foreach (var candidate in Candidates())
        {
            if (!File.Exists(candidate)) { errors.Add($"{candidate}: not found"); continue; }
            try
            {
                var result = NativeLibrary.Load(candidate);
                LoadedFrom = candidate;
                return result;
            }
            catch (DllNotFoundException e)
            {
                errors.Add($"{candidate}: {e.Message}");
            }
        }
        throw new DllNotFoundException($"Cannot load {FileName}. Tried:\n  {string.Join("\n  ", errors)}\n{hint}");
    }
}
