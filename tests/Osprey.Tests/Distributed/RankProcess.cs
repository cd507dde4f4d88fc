using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Osprey.Tests.Distributed;

/// <summary>
/// One rank of a multi-process test: the C# worker (tests/Osprey.Distributed.Worker, built in the tests'
/// configuration) or a Python torch.distributed rank, with its output lines collected. Every wait is bounded; a rank
/// still running when disposed is killed.
/// </summary>
public sealed class RankProcess : IDisposable
{
    readonly Process process;
    readonly BlockingCollection<string> lines = new();
    readonly List<string> output = [];
    readonly System.Text.StringBuilder errors = new();

    public string Name { get; }

    RankProcess(string name, ProcessStartInfo start)
    {
        Name = name;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) lines.CompleteAdding();
            else { lock (output) output.Add(e.Data); lines.Add(e.Data); }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string WorkerDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;   // .../bin/<Configuration>/net10.0/
            var dll = Path.Combine(ReferenceOutputs.RepositoryRoot, "tests", "Osprey.Distributed.Worker", "bin", configuration,
                "net10.0", "Osprey.Distributed.Worker.dll");
            Assert.True(File.Exists(dll), $"the distributed test worker is not built: {dll} (dotnet build Osprey.sln)");
            return dll;
        }
    }

    /// <summary>A port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Starts the C# worker as rank <paramref name="rank"/> with torchrun's variables on 127.0.0.1.</summary>
    /// <param name="timeoutSeconds">The collective timeout in seconds, optionally "/join seconds" (the worker's argument).</param>
    public static RankProcess Worker(int rank, int world, int port, string scenario, string timeoutSeconds, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(WorkerDll);
        start.ArgumentList.Add(scenario);
        start.ArgumentList.Add(timeoutSeconds);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["RANK"] = rank.ToString(CultureInfo.InvariantCulture);
        start.Environment["WORLD_SIZE"] = world.ToString(CultureInfo.InvariantCulture);
        start.Environment["LOCAL_RANK"] = rank.ToString(CultureInfo.InvariantCulture);
        start.Environment["MASTER_ADDR"] = "127.0.0.1";
        start.Environment["MASTER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        return new RankProcess($"C# rank {rank}", start);
    }

    /// <summary>Starts tests/Osprey.Tests/Distributed/torch_rank.py with Debian's PyTorch, bound to the loopback interface.</summary>
    public static RankProcess Python(int rank, int world, int port, double timeoutSeconds)
    {
        var script = Path.Combine(ReferenceOutputs.RepositoryRoot, "tests", "Osprey.Tests", "Distributed", "torch_rank.py");
        var start = new ProcessStartInfo(TorchPython.Executable);
        foreach (var a in new[] { script, $"{rank}", $"{world}", $"{port}", timeoutSeconds.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        start.Environment["GLOO_SOCKET_IFNAME"] = "lo";
        start.Environment["OMP_NUM_THREADS"] = "1";
        return new RankProcess($"Python rank {rank}", start);
    }

    /// <summary>Waits (at most <paramref name="bound"/>) for an output line equal to <paramref name="line"/>.</summary>
    public void WaitForLine(string line, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            string? next = null;
            if (left <= TimeSpan.Zero || !lines.TryTake(out next, left))
                Assert.Fail($"{Name} did not print {line} within {bound.TotalSeconds} s; stderr: {Errors}");
            if (next == line) return;
        }
    }

    /// <summary>Waits (at most <paramref name="bound"/>) for the exit, killing the process when it outlives the bound.</summary>
    public int WaitForExit(TimeSpan bound)
    {
        if (!process.WaitForExit(bound))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Name} was still running after {bound.TotalSeconds} s; stderr: {Errors}");
        }
        process.WaitForExit();   // drains the output
        return process.ExitCode;
    }

    /// <summary>The JSON of the RESULT line after a successful exit within <paramref name="bound"/>.</summary>
    public JsonElement Result(TimeSpan bound)
    {
        var code = WaitForExit(bound);
        Assert.True(code == 0, $"{Name} exited {code}: {Errors}");
        string? result;
        lock (output) result = output.LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        Assert.True(result != null, $"{Name} printed no RESULT line; stderr: {Errors}");
        return JsonDocument.Parse(result![7..]).RootElement.Clone();
    }

    public string Errors { get { lock (errors) return errors.ToString(); } }

    public void Kill() => process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        process.Dispose();
        lines.Dispose();
    }
}
