namespace Osprey.Bench;

/// <summary>Command line of the bench; the same flags as bench/torch_bench.py.</summary>
sealed record BenchOptions(int Threads, int Warmup, int Steps, int Ops, int MatmulN, int MatmulReps,
                           string[] Only, string? JsonPath)
{
    public const string Usage =
        "usage: Osprey.Bench [--threads N] [--warmup N] [--steps N] [--ops N] [--matmul-n N] [--matmul-reps N]\n" +
        "                    [--only convnet,ops,matmul] [--json PATH]";

    public bool Runs(string workload) => Only.Length == 0 || Only.Contains(workload);

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(Environment.ProcessorCount, 10, 50, 100_000, 2048, 10, [], null);
        for (int k = 0; k < args.Length; k++)
        {
            string flag = args[k];
            string Value() => k + 1 < args.Length ? args[++k] : throw new ArgumentException($"{flag} needs a value\n{Usage}");
            int Positive()
            {
                var text = Value();
                return int.TryParse(text, out var v) && v > 0 ? v : throw new ArgumentException($"{flag} needs a positive integer, got '{text}'");
            }
            o = flag switch
            {
                "--threads" => o with { Threads = Positive() },
                "--warmup" => o with { Warmup = Positive() },
                "--steps" => o with { Steps = Positive() },
                "--ops" => o with { Ops = Positive() },
                "--matmul-n" => o with { MatmulN = Positive() },
                "--matmul-reps" => o with { MatmulReps = Positive() },
                "--only" => o with { Only = CheckedWorkloads(Value()) },
                "--json" => o with { JsonPath = Value() },
                _ => throw new ArgumentException($"unknown argument '{flag}'\n{Usage}"),
            };
        }
        return o;
    }

    static string[] CheckedWorkloads(string list)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var n in names)
            if (n is not ("convnet" or "ops" or "matmul"))
                throw new ArgumentException($"--only: unknown workload '{n}' (convnet, ops, matmul)");
        return names;
    }
}
