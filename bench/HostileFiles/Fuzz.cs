using System.Diagnostics;
using System.Text.Json.Nodes;
using Osprey.Torch;
using Osprey.Torch.Serialization;

namespace HostileFiles;

/// <summary>
/// The fuzz run. A supervisor starts a worker process that runs the cases in order and prints a line before and
/// after each; a worker that dies in a case counts it as crashed, one silent for longer than the timeout is killed
/// and the case counts as hung; either way a new worker goes on from the next case. Case i mutates seed file
/// i mod (number of seeds) with Random(seed * 1_000_003 + i), so any case can be replayed alone.
/// </summary>
static class Fuzz
{
    const int StartupSeconds = 300;

    public static int Supervise(FuzzOptions options)
    {
        var counts = new Dictionary<string, int> { ["decoded"] = 0, ["refused"] = 0, ["unexpected"] = 0, ["crashed"] = 0, ["hung"] = 0, ["over-budget"] = 0 };
        var examples = new List<string>();
        double peakGrowthMb = 0;
        var clock = Stopwatch.StartNew();
        int next = options.From;
        while (next < options.Cases)
        {
            using var worker = Start(options.WorkerArgs(next));
            int current = -1;
            bool finished = false;
            while (true)
            {
                // Before its first case a worker is starting (libtorch, JIT): on a loaded machine that takes a while.
                var line = ReadLine(worker, TimeSpan.FromSeconds(current < 0 ? StartupSeconds : options.TimeoutSeconds));
                if (line is null && current < 0)
                {
                    worker.Kill(entireProcessTree: true);
                    throw new TimeoutException($"the fuzz worker did not start within {StartupSeconds} s");
                }
                if (line is null)  // silent past the timeout: the case is hung
                {
                    worker.Kill(entireProcessTree: true);
                    worker.WaitForExit();
                    counts["hung"]++;
                    examples.Add($"case {current}: hung (killed after {options.TimeoutSeconds} s)");
                    next = current + 1;
                    break;
                }
                if (line == "") // end of output: the worker exited
                {
                    worker.WaitForExit();
                    if (current >= 0 && !finished)
                    {
                        counts["crashed"]++;
                        examples.Add($"case {current}: worker died (exit code {worker.ExitCode})");
                        next = current + 1;
                    }
                    else next = options.Cases;
                    break;
                }
                var parts = line.Split('\t');
                if (parts[0] == "begin") { current = int.Parse(parts[1]); finished = false; continue; }
                if (parts[0] == "end")
                {
                    finished = true;
                    var outcome = parts[2];
                    double growth = double.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
                    peakGrowthMb = Math.Max(peakGrowthMb, growth);
                    counts[outcome]++;
                    if (growth > options.BudgetMb) counts["over-budget"]++;
                    if ((outcome == "unexpected" || growth > options.BudgetMb) && examples.Count < 20)
                        examples.Add($"case {parts[1]}: {outcome}, {growth:F0} MB: {(parts.Length > 4 ? parts[4] : "")}");
                    if (int.Parse(parts[1]) == options.Cases - 1) finished = true;
                }
            }
        }
        Console.WriteLine(Report(options, counts, peakGrowthMb, clock.Elapsed, examples));
        return counts["crashed"] + counts["hung"] + counts["unexpected"] + counts["over-budget"] == 0 ? 0 : 1;
    }

    static string Report(FuzzOptions o, Dictionary<string, int> counts, double peakMb, TimeSpan elapsed, List<string> examples)
    {
        var lines = new List<string>
        {
            $"### {o.Kind}: {o.Cases} seeded mutations (seed {o.Seed})",
            "",
            $"| decoded | refused | unexpected exception | crashed | hung | over {o.BudgetMb} MB |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
            $"| {counts["decoded"]} | {counts["refused"]} | {counts["unexpected"]} | {counts["crashed"]} | {counts["hung"]} | {counts["over-budget"]} |",
            "",
            $"Largest peak-RSS growth of one case: {peakMb:F1} MB; per-case timeout {o.TimeoutSeconds} s; {elapsed.TotalMinutes:F1} min in all.",
        };
        if (examples.Count > 0) lines.AddRange(["", .. examples.Select(e => $"- {e}")]);
        return string.Join('\n', lines);
    }

    public static int Work(FuzzOptions options)
    {
        Probe.Warm();
        var seeds = Seeds(options.Kind);
        var dir = Directory.CreateTempSubdirectory("osprey-fuzz-").FullName;
        try
        {
            for (int i = options.From; i < options.Cases; i++)
            {
                var (name, reader, mutated) = Case(seeds, options.Seed, i);
                var path = Path.Combine(dir, $"case{i}{Path.GetExtension(name)}");
                File.WriteAllBytes(path, mutated);
                Console.WriteLine($"begin\t{i}");
                long before = Memory.ResidentBytes;
                Memory.ResetPeak();
                string outcome, detail = "";
                try
                {
                    Readers.Open(reader, path);
                    outcome = "decoded";
                }
                catch (Exception e)
                {
                    bool named = e.Message.Contains(path);
                    outcome = Readers.IsRefusal(e) && named ? "refused" : "unexpected";
                    if (outcome == "unexpected")
                        detail = $"{name}: {e.GetType().Name}{(named ? "" : " (message does not name the file)")}: {e.Message.ReplaceLineEndings(" ")}";
                }
                double growth = Math.Max(0, Memory.PeakBytes - before) / 1048576.0;
                Console.WriteLine(FormattableString.Invariant($"end\t{i}\t{outcome}\t{growth:F1}\t{detail}"));
                File.Delete(path);
                if (i % 200 == 0) GC.Collect();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    static (string Name, string Reader, byte[] Bytes) Case(List<(string Name, byte[] Bytes, string Reader)> seeds, int seed, int i)
    {
        var (name, bytes, reader) = seeds[i % seeds.Count];
        var random = new Random(seed * 1_000_003 + i);
        var mutated = Mutator.Mutate(bytes, random, repairChecksums: random.Next(2) == 0,
                                     isZip: bytes is [0x50, 0x4b, ..], isPng: bytes is [0x89, 0x50, ..]);
        return (name, reader, mutated);
    }

    /// <summary>Writes case <paramref name="i"/> to <paramref name="path"/> (to replay it alone: probe READER PATH).</summary>
    public static int WriteCase(string kind, int seed, int i, string path)
    {
        var (name, reader, bytes) = Case(Seeds(kind), seed, i);
        File.WriteAllBytes(path, bytes);
        Console.WriteLine($"case {i}: {name} mutated, {bytes.Length} bytes -> {path}; reader {reader}");
        return 0;
    }

    /// <summary>Valid files to mutate: the committed torch.save fixtures and a training checkpoint, the fixture images,
    /// or the fixture JPEGs read a region at a time (ImageCodec.ReadRegion).</summary>
    static List<(string Name, byte[] Bytes, string Reader)> Seeds(string kind)
    {
        var fixtures = Path.Combine(RepositoryRoot(), "tests", "fixtures");
        var seeds = new List<(string, byte[], string)>();
        if (kind == "checkpoint")
        {
            foreach (var file in Directory.GetFiles(Path.Combine(fixtures, "torch"), "*.pt").Order(StringComparer.Ordinal))
                if (!file.EndsWith("quantized.pt")) seeds.Add((Path.GetFileName(file), File.ReadAllBytes(file), "torch"));
            seeds.Add(("training.ckpt", TrainingCheckpointBytes(), "checkpoint"));
        }
        else if (kind == "image-region")
        {
            foreach (var file in Directory.GetFiles(Path.Combine(fixtures, "images"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                seeds.Add((Path.GetFileName(file), File.ReadAllBytes(file), "image-region"));
        }
        else
        {
            foreach (var file in Directory.GetFiles(Path.Combine(fixtures, "images")).Order(StringComparer.Ordinal))
                if (file.EndsWith(".png") || file.EndsWith(".jpg")) seeds.Add((Path.GetFileName(file), File.ReadAllBytes(file), "image"));
        }
        return seeds;
    }

    static byte[] TrainingCheckpointBytes()
    {
        using var scope = TensorScope.Begin();
        var model = new Dictionary<string, Tensor> { ["conv.weight"] = Tensor.Randn([4, 1, 3, 3]), ["fc.bias"] = Tensor.Zeros([10]) };
        using var checkpoint = TrainingCheckpoint.Capture(model, epoch: 2, iteration: 40, options: new JsonObject { ["epochs"] = 5 });
        var stream = new MemoryStream();
        checkpoint.WriteTo(stream);
        return stream.ToArray();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Osprey.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Osprey.sln above {AppContext.BaseDirectory}");
    }

    static Process Start(string[] args)
    {
        var host = Environment.ProcessPath!;
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(typeof(Fuzz).Assembly.Location);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>The next line, "" at end of output, or null when none came within <paramref name="timeout"/>.</summary>
    static string? ReadLine(Process worker, TimeSpan timeout)
    {
        var task = worker.StandardOutput.ReadLineAsync();
        if (!task.Wait(timeout)) return null;
        return task.Result ?? "";
    }
}
