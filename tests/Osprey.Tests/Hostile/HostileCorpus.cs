using System.Diagnostics;
using System.Text.Json;

namespace Osprey.Tests.Hostile;

/// <summary>One file of a manifest written by tools/reference/write_hostile_files.py.</summary>
public sealed record HostileCase(string File, string Reader, string Outcome, string Expect, double BudgetMb);

public static class HostileCorpus
{
    public static HostileCase[] Read(string manifest) =>
        JsonSerializer.Deserialize<HostileCase[]>(File.ReadAllText(manifest),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;

    /// <summary>tests/fixtures/hostile/bounded: the small files, committed.</summary>
    public static string Bounded => Path.Combine(AppContext.BaseDirectory, "fixtures", "hostile", "bounded");
}

/// <summary>
/// The large files (MBs: hash floods, bombs, deep nesting), written once per test run into a temporary folder by
/// write_hostile_files.py --big with Debian's python3 (CI has it: scripts/setup.sh installs python3-torch).
/// </summary>
public sealed class BigHostileCorpus : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("osprey-hostile-big-").FullName;
    public HostileCase[] Cases { get; }

    public BigHostileCorpus()
    {
        var script = Path.Combine(HostileProbe.RepositoryRoot(), "tools", "reference", "write_hostile_files.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "--big", Folder }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} --big did not finish in 5 minutes");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} --big exited {process.ExitCode}: {stderr.Result}");
        Cases = HostileCorpus.Read(Path.Combine(Folder, "manifest.json"));
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
