using System.Diagnostics;
using System.Globalization;

namespace Osprey.Training.Distributed;

/// <summary>
/// Starts this node's ranks of a <see cref="LaunchPlan"/> as child processes with torchrun's variables (RANK,
/// WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT) and OMP_NUM_THREADS, and waits for them. When a
/// rank fails, the others get <c>grace</c> to stop with their own error (their collectives fail within the group's
/// timeout), then are killed; the outcome names the first rank that failed.
/// </summary>
public static class LocalLauncher
{
    /// <param name="output">Receives (global rank, line) of every rank's stdout and stderr; null lets the ranks write
    /// to this process's console directly.</param>
    public static LaunchOutcome Run(LaunchPlan plan, string fileName, IReadOnlyList<string> arguments, TimeSpan grace,
        int cores, Action<int, string>? output = null)
    {
        var ranks = plan.LocalRanks();
        var threads = plan.ThreadsPerRank(cores).ToString(CultureInfo.InvariantCulture);
        var processes = new List<Process>();
        try
        {
            foreach (var rank in ranks)
            {
                var start = new ProcessStartInfo(fileName) { UseShellExecute = false };
                foreach (var a in arguments) start.ArgumentList.Add(a);
                foreach (var (key, value) in rank.ToVariables()) start.Environment[key] = value;
                start.Environment["OMP_NUM_THREADS"] = threads;
                start.RedirectStandardOutput = start.RedirectStandardError = output != null;
                var process = new Process { StartInfo = start };
                if (output != null)
                {
                    var id = rank.Rank;
                    process.OutputDataReceived += (_, e) => { if (e.Data != null) output(id, e.Data); };
                    process.ErrorDataReceived += (_, e) => { if (e.Data != null) output(id, e.Data); };
                }
                process.Start();
                if (output != null)
                {
                    process.BeginOutputReadLine();
                    process.BeginErrorReadLine();
                }
                processes.Add(process);
            }
            return Wait(plan, processes, grace);
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.WaitForExit();
                p.Dispose();
            }
        }
    }

    static LaunchOutcome Wait(LaunchPlan plan, List<Process> processes, TimeSpan grace)
    {
        int? failed = null;
        DateTime? killAt = null;
        while (processes.Any(p => !p.HasExited))
        {
            if (failed == null)
            {
                var first = processes.Select((p, i) => (p, i)).Where(x => x.p.HasExited && x.p.ExitCode != 0)
                    .OrderBy(x => x.p.ExitTime).Select(x => (int?)x.i).FirstOrDefault();
                if (first != null) (failed, killAt) = (first, DateTime.UtcNow + grace);
            }
            if (killAt != null && DateTime.UtcNow >= killAt)
                foreach (var p in processes.Where(p => !p.HasExited)) p.Kill(entireProcessTree: true);
            processes.FirstOrDefault(p => !p.HasExited)?.WaitForExit(TimeSpan.FromMilliseconds(50));
        }
        foreach (var p in processes) p.WaitForExit();   // drains redirected output
        var codes = processes.Select(p => p.ExitCode).ToList();
        failed ??= processes.Select((p, i) => (p, i)).Where(x => x.p.ExitCode != 0).OrderBy(x => x.p.ExitTime)
            .Select(x => (int?)x.i).FirstOrDefault();
        if (failed is not { } local) return new LaunchOutcome(codes, null, null, null);
        var code = codes[local];
        var rank = plan.NodeRank * plan.ProcsPerNode + local;
        var how = code > 128 ? $"exited with code {code} (killed by signal {code - 128})" : $"exited with code {code}";
        return new LaunchOutcome(codes, rank, local, $"rank {rank} (local rank {local}) {how}");
    }
}
