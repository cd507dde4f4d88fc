using System.Diagnostics;
using System.Globalization;
using Osprey.Tests.Data;
using Osprey.Torch;
using Osprey.Tests.Training;
using Osprey.Torch.Serialization;
using Osprey.Training;

namespace Osprey.Cli.Tests.Commands;

/// <summary>
/// <c>osprey train --nproc 2</c> end to end: the launcher's ranks write one run folder; killing rank 1 (SIGKILL) in
/// epoch 2 makes rank 0 fail at its next collective and the launcher exit non-zero naming rank 1, the last
/// checkpoint intact; <c>--resume</c> on 2 ranks then ends bit for bit where an uninterrupted 2-rank run ends.
/// </summary>
public class DistributedTrainTests
{
    static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);

    static string[] Train(string data, string name, int port) =>
        ["train", "--nproc", "2", "--master-port", port.ToString(CultureInfo.InvariantCulture), "--model", "resnet18", "--width", "4",
         "--data", data, "--imgsz", "16", "--epochs", "4", "--batch", "4", "--workers", "0", "--name", name,
         "--set", "sync_bn=true", "dist_timeout=60", "project=runs"];

    [Fact]
    public async Task KilledRankIsNamedAndTheResumedRunEqualsTheUninterruptedOne()
    {
        if (!OperatingSystem.IsLinux()) return;   // ranks found through /proc
        using var data = new TinyImageFolder(perClass: 10);
        using var work = new TempFolder();
        var straight = OspreyProcess.Run(work.Root, Train(data.Root, "straight", Osprey.Tests.Distributed.RankProcess.FreePort()));
        Assert.True(straight.Code == 0, $"exit {straight.Code}: {straight.Err}");
        Assert.Single(straight.Out.Split('\n'), l => l.StartsWith("osprey train: 4/4 epochs", StringComparison.Ordinal));   // rank 0 reports, once
        // Each epoch's line gives the time per step in the gradient all-reduces.
        var summaries = straight.Out.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^epoch [1-4]/4  train ")).ToArray();
        Assert.Equal(4, summaries.Length);
        Assert.All(summaries, l => Assert.Matches(@"  all-reduce [0-9]+\.[0-9] ms/step", l));
        Assert.Equal(["straight"], Directory.GetDirectories(Path.Combine(work.Root, "runs", "classify")).Select(Path.GetFileName));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(work.Root, "runs", "classify", "straight", Trainer.ResultsFile)).Length);

        var start = OspreyProcess.StartInfo(work.Root, Train(data.Root, "killed", Osprey.Tests.Distributed.RankProcess.FreePort()));
        using var launcher = Process.Start(start)!;
        var epochEnded = new TaskCompletionSource();
        var stderr = new System.Text.StringBuilder();
        launcher.OutputDataReceived += (_, e) =>
        {
            if (e.Data != null && e.Data.StartsWith("epoch 1/4  train ", StringComparison.Ordinal)) epochEnded.TrySetResult();
        };
        launcher.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();
        try
        {
            await epochEnded.Task.WaitAsync(Bound);
            Process.GetProcessById(RankOf(launcher.Id, 1)).Kill();
            Assert.True(launcher.WaitForExit(Bound), "the launcher outlived the killed rank");
            launcher.WaitForExit();
        }
        finally
        {
            if (!launcher.HasExited) launcher.Kill(entireProcessTree: true);
        }
        string err;
        lock (stderr) err = stderr.ToString();
        Assert.Equal(137, launcher.ExitCode);
        Assert.Contains("osprey train: rank 1 (local rank 1) exited with code 137 (killed by signal 9); the other ranks were stopped", err);
        Assert.Contains("failed on rank 0 of 2", err);   // rank 0's own error: its collective lost the peer
        var last = Path.Combine(work.Root, "runs", "classify", "killed", Trainer.LastCheckpoint);
        using (var scope = TensorScope.Begin())
        using (var intact = TrainingCheckpoint.Load(last))
            Assert.InRange(intact.Epoch, 1, 3);

        var resumed = OspreyProcess.Run(work.Root, "train", "--resume", last, "--nproc", "2", "--master-port",
                                        Osprey.Tests.Distributed.RankProcess.FreePort().ToString(CultureInfo.InvariantCulture));
        Assert.True(resumed.Code == 0, $"resume exit {resumed.Code}: {resumed.Err}");
        using var outer = TensorScope.Begin();
        using var a = TrainingCheckpoint.Load(Path.Combine(work.Root, "runs", "classify", "straight", Trainer.LastCheckpoint));
        using var b = TrainingCheckpoint.Load(last);
        Assert.Equal(4, b.Epoch);
        foreach (var (key, t) in a.Model)
            Assert.True(t.ToBytes().AsSpan().SequenceEqual(b.Model[key].ToBytes()), $"{key} differs between the resumed and the uninterrupted run");
        foreach (var (key, t) in a.Optimizer!.Tensors)
            Assert.True(t.ToBytes().AsSpan().SequenceEqual(b.Optimizer!.Tensors[key].ToBytes()), $"optimizer {key} differs");
    }

    /// <summary>The process id of the launcher's child whose RANK is <paramref name="rank"/>.</summary>
    static int RankOf(int launcher, int rank)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent != launcher) continue;
                if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains($"RANK={rank}")) return pid;
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                // not ours
            }
        }
        throw new InvalidOperationException($"no child of {launcher} has RANK={rank}");
    }
}
