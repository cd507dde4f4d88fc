namespace HostileFiles;

sealed record FuzzOptions(string Kind, int Cases, int Seed, int TimeoutSeconds, int From, long BudgetMb)
{
    public static FuzzOptions Parse(string[] args)
    {
        string kind = "checkpoint";
        int cases = 10_000, seed = 1, timeout = 20, from = 0;
        long budget = 1024;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--kind": kind = Next(); break;
                case "--cases": cases = int.Parse(Next()); break;
                case "--seed": seed = int.Parse(Next()); break;
                case "--timeout-s": timeout = int.Parse(Next()); break;
                case "--from": from = int.Parse(Next()); break;
                case "--budget-mb": budget = long.Parse(Next()); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (kind is not ("checkpoint" or "image" or "image-region")) throw new ArgumentException($"--kind {kind}: expected checkpoint, image or image-region");
        return new FuzzOptions(kind, cases, seed, timeout, from, budget);
    }

    public string[] WorkerArgs(int from) =>
        ["fuzz-worker", "--kind", Kind, "--cases", Cases.ToString(), "--seed", Seed.ToString(), "--from", from.ToString(), "--budget-mb", BudgetMb.ToString()];
}
