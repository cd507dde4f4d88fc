using System.Diagnostics;

namespace Osprey.Cli.Tests.Commands;

/// <summary>The osprey command as a child process (the CLI built in the same configuration as these tests).</summary>
public static class OspreyProcess
{
    public static string RepositoryRoot
    {
        get
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "Osprey.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/'))!;
            return root;
        }
    }

    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // .../bin/<Configuration>/net10.0/

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(RepositoryRoot, "src", "Osprey.Cli", "bin", Configuration, "net10.0", "Osprey.Cli.dll");
        Assert.True(File.Exists(dll), $"the CLI is not built: {dll}");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        return start;
    }

    public static (int Code, string Out, string Err) Run(string workingDirectory, params string[] args) => Run(workingDirectory, null, args);

    public static (int Code, string Out, string Err) Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }
}
