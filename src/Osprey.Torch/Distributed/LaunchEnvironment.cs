using System.Collections;
using System.Globalization;

namespace Osprey.Torch.Distributed;

/// <summary>
/// A worker's place in the job, read from the variables torchrun (and Slurm or Kubernetes set-ups written for it)
/// give each worker: <c>RANK</c>, <c>WORLD_SIZE</c>, <c>LOCAL_RANK</c>, <c>LOCAL_WORLD_SIZE</c>, <c>MASTER_ADDR</c>,
/// <c>MASTER_PORT</c>. With none of them set the process is a single rank.
/// </summary>
public sealed record LaunchEnvironment(int Rank, int WorldSize, int LocalRank, int LocalWorldSize, string MasterAddr, int MasterPort)
{
    public const string DefaultMasterAddr = "127.0.0.1";
    public const int DefaultMasterPort = 29500;   // torchrun's default

    public static readonly LaunchEnvironment Single = new(0, 1, 0, 1, DefaultMasterAddr, DefaultMasterPort);

    static readonly string[] Names = ["RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"];

    public bool IsDistributed => WorldSize > 1;

    /// <summary>The variables of a worker, to start one (the launcher's side).</summary>
    public IReadOnlyDictionary<string, string> ToVariables() => new Dictionary<string, string>
    {
        ["RANK"] = Rank.ToString(CultureInfo.InvariantCulture),
        ["WORLD_SIZE"] = WorldSize.ToString(CultureInfo.InvariantCulture),
        ["LOCAL_RANK"] = LocalRank.ToString(CultureInfo.InvariantCulture),
        ["LOCAL_WORLD_SIZE"] = LocalWorldSize.ToString(CultureInfo.InvariantCulture),
        ["MASTER_ADDR"] = MasterAddr,
        ["MASTER_PORT"] = MasterPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads this process's environment.</summary>
    public static LaunchEnvironment FromProcess() => From(Environment.GetEnvironmentVariables());

    /// <summary>
    /// Reads the variables: none set means <see cref="Single"/>; RANK and WORLD_SIZE must then come together, and a
    /// world above one needs MASTER_ADDR and MASTER_PORT. LOCAL_RANK defaults to RANK, LOCAL_WORLD_SIZE to WORLD_SIZE.
    /// </summary>
    public static LaunchEnvironment From(IDictionary variables)
    {
        string? Get(string name) => variables[name] is string s && s.Length > 0 ? s : null;
        if (Names.All(n => Get(n) == null)) return Single;

        int Number(string name, int min, int max)
        {
            var text = Get(name) ?? throw new ArgumentException($"environment variable {name} is not set (torchrun sets {string.Join(", ", Names)})");
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                throw new ArgumentException($"environment variable {name}='{text}' is not an integer in {min}..{max}");
            return value;
        }

        var world = Number("WORLD_SIZE", 1, 65536);
        var rank = Number("RANK", 0, world - 1);
        var localWorld = Get("LOCAL_WORLD_SIZE") == null ? world : Number("LOCAL_WORLD_SIZE", 1, world);
        var localRank = Get("LOCAL_RANK") == null ? (localWorld == world ? rank : throw new ArgumentException(
            "environment variable LOCAL_RANK is not set while LOCAL_WORLD_SIZE differs from WORLD_SIZE")) : Number("LOCAL_RANK", 0, localWorld - 1);
        var addr = Get("MASTER_ADDR");
        var port = Get("MASTER_PORT") == null ? (int?)null : Number("MASTER_PORT", 1, 65535);
        if (world > 1 && (addr == null || port == null))
            throw new ArgumentException($"environment variable {(addr == null ? "MASTER_ADDR" : "MASTER_PORT")} is not set (needed when WORLD_SIZE={world})");
        return new LaunchEnvironment(rank, world, localRank, localWorld, addr ?? DefaultMasterAddr, port ?? DefaultMasterPort);
    }

    /// <summary>Joins this worker's group (rank 0 hosts the store); see <see cref="ProcessGroup.Create"/> for the timeouts.</summary>
    public ProcessGroup Join(TimeSpan timeout, TimeSpan? joinTimeout = null) =>
        ProcessGroup.Create(Rank, WorldSize, MasterAddr, MasterPort, timeout, joinTimeout);
}
