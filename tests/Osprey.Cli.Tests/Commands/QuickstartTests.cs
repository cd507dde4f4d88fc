using System.Diagnostics;
using Osprey.Tests.Data;

namespace Osprey.Cli.Tests.Commands;

/// <summary>A bare <c>osprey train</c> runs the short demonstration, says so, and shows progress after its first batch.</summary>
public class QuickstartTests
{
    [Fact]
    public async Task BareTrainAnnouncesTheShortRunAndPrintsProgressWithARunEta()
    {
        using var work = new TempFolder();
        using var process = Process.Start(OspreyProcess.StartInfo(work.Root, ["train"]))!;
        var lines = new List<string>();
        var firstBatch = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            if (e.Data.StartsWith("epoch 1/1  batch 1/", StringComparison.Ordinal)) firstBatch.TrySetResult();
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await firstBatch.Task.WaitAsync(TimeSpan.FromMinutes(5));   // TimeoutException: no progress line after the first batch
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        string output;
        lock (lines) output = string.Join('\n', lines);
        Assert.Contains("no options given, so a short demonstration run", output);
        Assert.Contains("The full recipe (10 epochs on all 60,000 images at width 64; hours on a CPU): osprey train --data fashion-mnist", output);
        Assert.Contains("osprey train: seresnet18 on ", output);
        Assert.Contains(": 6000 training images, 10000 validation images, 10 classes, 1x28x28 inputs", output);
        // 6000 images in batches of 64: 94 batches; the ETA covers the run (one epoch and its validation).
        var progress = lines.First(l => l.StartsWith("epoch 1/1  batch 1/", StringComparison.Ordinal));
        Assert.StartsWith("epoch 1/1  batch 1/94  ", progress);
        Assert.Matches(@"run ETA \d+m\d\ds$", progress);
    }
}
