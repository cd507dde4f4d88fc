using System.Diagnostics;

namespace Osprey.Tests.Visuals;

/// <summary>Debian's chromium run headless on a local page (scripts/setup.sh installs it).</summary>
public static class HeadlessChromium
{
    public const string Missing = "chromium is not installed (scripts/setup.sh installs Debian's chromium): report.html is not checked in a browser";

    public static string? Executable { get; } = new[] { "chromium", "chromium-browser" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);

    /// <summary>Runs chromium with <paramref name="arguments"/> and the page's file URL; returns (stdout, stderr).</summary>
    public static (string Out, string Err) Run(string page, params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("osprey-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(Missing))
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var a in new[] { "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", $"--user-data-dir={profile}",
                                      "--enable-logging=stderr", "--v=0" }.Concat(arguments))
                start.ArgumentList.Add(a);
            start.ArgumentList.Add(new Uri(Path.GetFullPath(page)).AbsoluteUri);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish with {page} in 120 s");
            }
            return (stdout.Result, stderr.Result);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}

/// <summary>A fact skipped, with the reason, where chromium is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable == null) Skip = HeadlessChromium.Missing;
    }
}
