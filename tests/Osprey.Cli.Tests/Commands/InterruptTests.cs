using System.Diagnostics;
using Osprey.Tests.Data;
using Osprey.Tests.Training;
using Osprey.Training;

namespace Osprey.Cli.Tests.Commands;

/// <summary>Ctrl-C during <c>osprey train</c>: the first asks for a stop after the epoch, a second stops at once with
/// exit code 130 and the last checkpoint whole.</summary>
public class InterruptTests
{
    [Fact]
    public async Task SecondInterruptStopsAtOnceWithTheLastCheckpointIntact()
    {
        if (!OperatingSystem.IsLinux()) return;   // SIGINT sent with kill(1)
        // 45 steps of 4 images per epoch: the second signal follows the first's acknowledgement by milliseconds, well inside epoch 2.
        using var data = new TinyImageFolder(perClass: 60);
        using var work = new TempFolder();
        var start = OspreyProcess.StartInfo(work.Root, ["train", "--model", "resnet18", "--width", "4", "--data", data.Root, "--imgsz", "16",
                                                        "--epochs", "50", "--batch", "4", "--workers", "0", "--set", "val=false"]);
        using var process = Process.Start(start)!;
        var epochEnded = new TaskCompletionSource();
        var stopAsked = new TaskCompletionSource();
        var stderr = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data != null && e.Data.StartsWith("epoch 1/50  train ", StringComparison.Ordinal)) epochEnded.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.Contains("Ctrl-C again stops at once", StringComparison.Ordinal)) stopAsked.TrySetResult();
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await epochEnded.Task.WaitAsync(TimeSpan.FromMinutes(8));   // TimeoutException: no epoch ended
            Interrupt(process.Id);
            await stopAsked.Task.WaitAsync(TimeSpan.FromSeconds(30));   // the first SIGINT is acknowledged
            Interrupt(process.Id);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);              // the second one stops the run
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        Assert.Equal(130, process.ExitCode);
        var last = Path.Combine(work.Root, "runs", "classify", "train", Trainer.LastCheckpoint);
        Assert.Contains($"stopped at once; {last}", stderr.ToString());
        using var trained = TrainedModel.Load(last);
        Assert.InRange(trained.Epoch, 1, 49);
        Assert.Contains($"(epoch {trained.Epoch}) is intact", stderr.ToString());
    }

    static void Interrupt(int pid)
    {
        using var kill = Process.Start("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
