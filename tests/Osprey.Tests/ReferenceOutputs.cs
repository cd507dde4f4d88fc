using System.Diagnostics;
using System.Security.Cryptography;

namespace Osprey.Tests;

/// <summary>
/// Runs a tools/reference script with Debian's PyTorch (/usr/bin/python3) once, into a temp folder keyed by the
/// script's hash, for fixtures too large to commit (model weights). The set-up installs python3-torch.
/// </summary>
public static class ReferenceOutputs
{
    static readonly object gate = new();

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Osprey.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException($"no Osprey.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The output folder of tools/reference/<paramref name="script"/>, generating it when absent.</summary>
    public static string Folder(string script)
    {
        var path = Path.Combine(RepositoryRoot, "tools", "reference", script);
        var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))[..16];
        var folder = Path.Combine(Path.GetTempPath(), "osprey-reference", $"{Path.GetFileNameWithoutExtension(script)}-{hash}");
        lock (gate)
        {
            if (File.Exists(Path.Combine(folder, ".done"))) return folder;
            var staging = folder + ".partial-" + Environment.ProcessId;
            Directory.CreateDirectory(staging);
            var info = new ProcessStartInfo("/usr/bin/python3", [path, staging]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {stderr.Result}");
            File.WriteAllText(Path.Combine(staging, ".done"), "");
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.Move(staging, folder);
            return folder;
        }
    }
}
