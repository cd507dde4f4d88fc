using System.Runtime.InteropServices;

namespace Osprey.Cli.Commands;

/// <summary>
/// Ends the process now, from any thread. <see cref="Environment.Exit"/> runs the runtime's shutdown and then libtorch's
/// static destructors while the main thread may still be inside a libtorch kernel, which crashes (SIGSEGV, exit 139);
/// POSIX <c>_exit</c> skips both. Nothing is lost: console writes are unbuffered and checkpoints are renamed into place whole.
/// </summary>
public static class ImmediateExit
{
    [DllImport("libc", EntryPoint = "_exit")]
    static extern void PosixExit(int status);

    public static void Now(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) PosixExit(code);
        Environment.Exit(code);
    }
}
