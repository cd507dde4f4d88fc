using System.Globalization;
using System.Text.Json;
using Osprey.Torch;
using Osprey.Torch.Distributed;

namespace Osprey.Distributed.Worker;

/// <summary>
/// One rank of a distributed test: <c>Osprey.Distributed.Worker SCENARIO [TIMEOUT_SECONDS[/JOIN_SECONDS]] [ARGS...]</c>, its place in
/// the group from torchrun's variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT). Prints <c>READY</c> once joined and
/// <c>RESULT {json}</c> at the end; exits 3 with the message on stderr when a collective fails.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: Osprey.Distributed.Worker collectives|hold|survive|crash|train [timeout-seconds[/join-seconds]] [args]");
            return 2;
        }
        LibTorch.Threads = 1;
        // TIMEOUT_SECONDS bounds every collective; "5/60" also gives the ranks 60 s to join.
        var seconds = (args.Length > 1 ? args[1] : "30").Split('/').Select(t => TimeSpan.FromSeconds(double.Parse(t, CultureInfo.InvariantCulture))).ToArray();
        var launch = LaunchEnvironment.FromProcess();
        try
        {
            using var group = launch.Join(seconds[0], seconds.Length > 1 ? seconds[1] : null);
            Console.WriteLine("READY");
            Console.WriteLine($"ENV rank={launch.Rank} world={launch.WorldSize} local_rank={launch.LocalRank} " +
                $"local_world={launch.LocalWorldSize} omp_threads={Environment.GetEnvironmentVariable("OMP_NUM_THREADS")}");
            object? result = args[0] switch
            {
                "collectives" => CollectiveScenario.Run(group),
                "hold" => FaultScenario.Hold(group),
                "survive" => FaultScenario.Survive(group),
                "crash" => FaultScenario.Crash(group),
                "train" => TrainScenario.Run(group, args[2..]),
                _ => throw new ArgumentException($"unknown scenario '{args[0]}'"),
            };
            Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
            return 0;
        }
        catch (DistributedException e)
        {
            Console.Error.WriteLine(e.Message);
            return 3;
        }
    }
}
