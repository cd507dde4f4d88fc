using System.CommandLine;
using Osprey.Torch.Distributed;
using Osprey.Training.Distributed;

namespace Osprey.Cli.Commands;

/// <summary>
/// <c>osprey train --nproc N [--nnodes M --node-rank R --master-addr A --master-port P]</c>: this process becomes
/// torchrun's launcher for its node, starting N copies of the same command as ranks with torchrun's variables and the
/// cores divided among them. A copy (WORLD_SIZE set, by this launcher, torchrun, Slurm or Kubernetes) is a worker and
/// ignores the launch flags. When a rank fails the others get <see cref="Grace"/> to stop on their own, then are
/// killed; the launcher exits with the failed rank's code and names it.
/// </summary>
public static class TrainLaunch
{
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public static readonly Option<int> Nproc = new("--nproc") { Description = "ranks (processes) on this node; above 1 launches a data-parallel run [default: 1]", DefaultValueFactory = _ => 1 };
    public static readonly Option<int> Nnodes = new("--nnodes") { Description = "machines of the run, each starting --nproc ranks with its own --node-rank [default: 1]", DefaultValueFactory = _ => 1 };
    public static readonly Option<int> NodeRank = new("--node-rank") { Description = "this machine's index in 0..nnodes-1 [default: 0]", DefaultValueFactory = _ => 0 };
    public static readonly Option<string> MasterAddr = new("--master-addr") { Description = $"address of node 0, where rank 0 hosts the store [default: {LaunchEnvironment.DefaultMasterAddr}]", DefaultValueFactory = _ => LaunchEnvironment.DefaultMasterAddr };
    public static readonly Option<int> MasterPort = new("--master-port") { Description = $"the store's port on node 0 [default: {LaunchEnvironment.DefaultMasterPort}]", DefaultValueFactory = _ => LaunchEnvironment.DefaultMasterPort };

    public static IEnumerable<Option> Options => [Nproc, Nnodes, NodeRank, MasterAddr, MasterPort];

    /// <summary>This process's place when it is a rank (WORLD_SIZE set), else null.</summary>
    public static LaunchEnvironment? Worker()
    {
        var launch = LaunchEnvironment.FromProcess();
        return Environment.GetEnvironmentVariable("WORLD_SIZE") is { Length: > 0 } ? launch : null;
    }

    /// <summary>The plan when the flags ask for more than one rank and this process is no worker; else null.</summary>
    public static LaunchPlan? Plan(ParseResult result)
    {
        if (Worker() != null) return null;
        int procs = result.GetValue(Nproc), nodes = result.GetValue(Nnodes);
        if (procs == 1 && nodes == 1) return null;
        return new LaunchPlan(procs, nodes, result.GetValue(NodeRank), result.GetValue(MasterAddr)!, result.GetValue(MasterPort));
    }

    /// <summary>Starts this node's ranks of <paramref name="plan"/> as copies of this command and waits for them.</summary>
    public static int Run(LaunchPlan plan)
    {
        var (file, arguments) = ThisCommand();
        Console.Error.WriteLine($"osprey train: starting ranks {plan.NodeRank * plan.ProcsPerNode}..{(plan.NodeRank + 1) * plan.ProcsPerNode - 1} " +
                                $"of {plan.WorldSize} ({plan.ThreadsPerRank(Environment.ProcessorCount)} intra-op threads each), store at {plan.MasterAddr}:{plan.MasterPort}");
        ConsoleCancelEventHandler keep = (_, e) => e.Cancel = true;   // Ctrl-C reaches the ranks themselves; they stop and exit
        Console.CancelKeyPress += keep;
        try
        {
            var outcome = LocalLauncher.Run(plan, file, arguments, Grace, Environment.ProcessorCount);
            if (outcome.Failure != null)
                Console.Error.WriteLine($"osprey train: {outcome.Failure}; the other ranks were stopped");
            return outcome.ExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= keep;
        }
    }

    /// <summary>The executable and arguments that started this process (the dotnet host runs the CLI's dll).</summary>
    static (string File, IReadOnlyList<string> Arguments) ThisCommand()
    {
        var args = Environment.GetCommandLineArgs();
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this process's executable to start the ranks");
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? (host, args) : (host, args[1..]);
    }
}
