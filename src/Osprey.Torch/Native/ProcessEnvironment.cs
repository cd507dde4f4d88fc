using System.Runtime.InteropServices;

namespace Osprey.Torch.Native;

/// <summary>
/// The C library's environment, which native code reads with getenv. .NET's Environment.SetEnvironmentVariable changes
/// only the runtime's own copy on Linux, so a setting meant for libgomp (read once, when libtorch is loaded) has to go
/// through setenv, before the first call into libtorch.
/// </summary>
static partial class ProcessEnvironment
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);

    /// <summary>Sets <paramref name="name"/> unless it is set already; returns the value in force.</summary>
    public static string SetDefault(string name, string value)
    {
        if (SetEnv(name, value, 0) != 0) throw new InvalidOperationException($"setenv({name}) failed: errno {Marshal.GetLastPInvokeError()}");
        return Get(name)!;
    }

    public static string? Get(string name) => Marshal.PtrToStringUTF8(GetEnv(name));
}
