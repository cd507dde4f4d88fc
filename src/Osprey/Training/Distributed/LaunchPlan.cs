using Osprey.Torch.Distributed;

namespace Osprey.Training.Distributed;

/// <summary>
/// The ranks one node starts, as torchrun's --nproc-per-node, --nnodes and --node-rank lay them out: node n runs
/// global ranks n·procs .. n·procs + procs − 1, and every rank meets the others at MasterAddr:MasterPort (node 0's rank
/// 0 hosts the store there).
/// </summary>
public sealed record LaunchPlan
{
    public LaunchPlan(int procsPerNode, int nodes = 1, int nodeRank = 0,
        string masterAddr = LaunchEnvironment.DefaultMasterAddr, int masterPort = LaunchEnvironment.DefaultMasterPort)
    {
        if (procsPerNode < 1) throw new ArgumentOutOfRangeException(nameof(procsPerNode), procsPerNode, "--nproc must be at least 1");
        if (nodes < 1) throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "--nnodes must be at least 1");
        if (nodeRank < 0 || nodeRank >= nodes)
            throw new ArgumentOutOfRangeException(nameof(nodeRank), nodeRank, $"--node-rank must be in 0..{nodes - 1}");
        if (masterPort is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(masterPort), masterPort, "the master port must be in 1..65535");
        ArgumentException.ThrowIfNullOrWhiteSpace(masterAddr);
        (ProcsPerNode, Nodes, NodeRank, MasterAddr, MasterPort) = (procsPerNode, nodes, nodeRank, masterAddr, masterPort);
    }

    public int ProcsPerNode { get; }
    public int Nodes { get; }
    public int NodeRank { get; }
    public string MasterAddr { get; }
    public int MasterPort { get; }

    public int WorldSize => ProcsPerNode * Nodes;

    /// <summary>The environment of each rank this node starts.</summary>
    public IReadOnlyList<LaunchEnvironment> LocalRanks() =>
        Enumerable.Range(0, ProcsPerNode)
            .Select(local => new LaunchEnvironment(NodeRank * ProcsPerNode + local, WorldSize, local, ProcsPerNode, MasterAddr, MasterPort))
            .ToList();

    /// <summary>Intra-op threads of each local rank: the node's cores divided among its ranks (at least one).</summary>
    public int ThreadsPerRank(int cores) => Math.Max(1, cores / ProcsPerNode);
}
