using System.Diagnostics;

namespace Osprey.Tests.Distributed;

/// <summary>Debian's /usr/bin/python3 when its torch has Gloo (python3-torch, installed by scripts/setup.sh).</summary>
public static class TorchPython
{
    public const string Executable = "/usr/bin/python3";

    static readonly Lazy<string?> missing = new(Probe);

    /// <summary>Why the Python rank cannot run here, or null when it can.</summary>
    public static string? Missing => missing.Value;

    static string? Probe()
    {
        if (!File.Exists(Executable)) return $"{Executable} is absent";
        var start = new ProcessStartInfo(Executable, ["-c", "import torch.distributed as d; assert d.is_available() and d.is_gloo_available()"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            return $"{Executable} did not import torch within 60 s";
        }
        return process.ExitCode == 0 ? null : $"{Executable} has no torch with Gloo: {process.StandardError.ReadToEnd().Trim()}";
    }
}

/// <summary>A theory skipped, with the reason, where /usr/bin/python3 has no torch.distributed with Gloo.</summary>
public sealed class TorchPythonTheoryAttribute : TheoryAttribute
{
    public TorchPythonTheoryAttribute()
    {
        if (TorchPython.Missing != null) Skip = TorchPython.Missing;
    }
}
