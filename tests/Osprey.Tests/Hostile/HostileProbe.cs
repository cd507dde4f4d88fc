using System.Diagnostics;
using System.Text.Json;

namespace Osprey.Tests.Hostile;

/// <summary>What bench/HostileFiles reported for one file opened in a fresh child process.</summary>
public sealed record ProbeResult(string File, string Reader, string Outcome, string Type, string Message, double RssGrowthMb, double Ms);

/// <summary>
/// Runs <c>HostileFiles probe READER FILE</c> (bench/HostileFiles, built in the tests' configuration) in a child
/// process: a crash or a hang there cannot take the test host with it, and the peak resident memory is the child's
/// alone (VmHWM, reset after start-up). The time limit is generous: it tells "bounded" from "hangs", not fast from slow.
/// </summary>
public static class HostileProbe
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(60);

    public static string RepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Osprey.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/'))!;
        return root;
    }

    public static ProbeResult Run(string reader, string file)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // .../bin/<Configuration>/net10.0/
        var dll = Path.Combine(RepositoryRoot(), "bench", "HostileFiles", "bin", configuration, "net10.0", "HostileFiles.dll");
        Assert.True(File.Exists(dll), $"the probe is not built: {dll} (dotnet build bench/HostileFiles -c {configuration})");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "probe", reader, file }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeLimit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{reader} {file}: still running after {TimeLimit.TotalSeconds} s (hung)");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{reader} {file}: the probe process died with exit code {process.ExitCode}: {stderr.Result}");
        var line = stdout.Result.Trim().Split('\n')[^1];
        return JsonSerializer.Deserialize<ProbeResult>(line, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
    }

    /// <summary>Refused with a documented exception whose message names the file and contains <paramref name="expect"/>.</summary>
    public static void AssertRefused(ProbeResult r, string expect, double budgetMb)
    {
        Assert.True(r.Outcome == "refused", $"{r.File}: {r.Outcome} ({r.Type}: {r.Message}), expected a refusal containing '{expect}'");
        Assert.Contains(expect, r.Message);
        Assert.Contains(r.File, r.Message);
        AssertWithin(r, budgetMb);
    }

    public static void AssertWithin(ProbeResult r, double budgetMb) =>
        Assert.True(r.RssGrowthMb <= budgetMb, $"{r.File}: peak resident memory grew by {r.RssGrowthMb} MB, over the {budgetMb} MB budget");
}
