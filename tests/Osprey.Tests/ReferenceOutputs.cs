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

    static IEnumerable<string> FilesOf(string path) =>
        Directory.Exists(path) ? Directory.GetFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : [path];

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Osprey.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException($"no Osprey.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>
    /// The output folder of tools/reference/<paramref name="script"/>, generating it when absent. The cache key hashes
    /// the script, the helpers beside it, and <paramref name="inputs"/> (repository-relative files or folders it reads).
    /// </summary>
    public static string Folder(string script, params string[] inputs)
    {
        var reference = Path.Combine(RepositoryRoot, "tools", "reference");
        var path = Path.Combine(reference, script);
        var hashed = new[] { path }
            .Concat(Directory.GetFiles(reference, "*.py").Where(f => f != path).Order(StringComparer.Ordinal))
            .Concat(inputs.Select(i => Path.Combine(RepositoryRoot, i)).SelectMany(FilesOf));
        using var sha = SHA256.Create();
        foreach (var file in hashed)
        {
            var bytes = File.ReadAllBytes(file);
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        sha.TransformFinalBlock([], 0, 0);
        var hash = Convert.ToHexString(sha.Hash!)[..16];
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
