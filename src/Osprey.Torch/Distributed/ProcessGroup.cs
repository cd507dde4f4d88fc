using Osprey.Torch.Native;

namespace Osprey.Torch.Distributed;

/// <summary>
/// One rank's membership of a data-parallel group: PyTorch's c10d <c>ProcessGroupGloo</c> over a <c>TCPStore</c>,
/// joined exactly as <c>torch.distributed.init_process_group("gloo", init_method="tcp://addr:port")</c> joins its
/// default group, so Osprey and Python ranks can share one group. Every rank calls the same collectives in the same
/// order; each call blocks until all ranks take part and throws <see cref="DistributedException"/> when a peer is gone
/// or the timeout passes, never waiting without limit. Use from one thread.
/// </summary>
public sealed unsafe class ProcessGroup : IDisposable
{
    IntPtr handle;

    ProcessGroup(IntPtr handle, int rank, int worldSize, TimeSpan timeout)
    {
        this.handle = handle;
        Rank = rank;
        WorldSize = worldSize;
        Timeout = timeout;
    }

    public int Rank { get; }
    public int WorldSize { get; }

    /// <summary>The bound of the rendezvous and of every collective.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Joins the group: rank 0 (or the rank given <paramref name="isMaster"/> true) hosts the store on
    /// <paramref name="masterPort"/>, the others connect to it; returns once all <paramref name="worldSize"/> ranks have
    /// joined, or throws after <paramref name="joinTimeout"/> (default: <paramref name="timeout"/>, the bound of every
    /// collective afterwards; a longer one lets slow-starting ranks arrive while a dead peer is still noticed soon).
    /// </summary>
    public static ProcessGroup Create(int rank, int worldSize, string masterAddr, int masterPort, TimeSpan timeout,
        TimeSpan? joinTimeout = null, bool? isMaster = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(masterAddr);
        if (worldSize < 1) throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "the world size must be at least 1");
        if (rank < 0 || rank >= worldSize)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"the rank must be in 0..{worldSize - 1}");
        if (masterPort is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(masterPort), masterPort, "the master port must be in 1..65535");
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "the timeout must be positive");
        var join = joinTimeout ?? timeout;
        if (join <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(joinTimeout), join, "the join timeout must be positive");

        var master = isMaster ?? rank == 0;
        var status = NativeMethods.osp_dist_init(masterAddr, masterPort, master ? 1 : 0, rank, worldSize,
            (long)Math.Ceiling(timeout.TotalMilliseconds), (long)Math.Ceiling(join.TotalMilliseconds), out var group);
        if (status != 0)
            throw new DistributedException(
                $"rank {rank} of {worldSize} could not join the process group at {masterAddr}:{masterPort} " +
                $"({(master ? "hosting" : "connecting to")} the store, join timeout {join.TotalSeconds:0.###} s): {NativeMethods.LastError()}");
        return new ProcessGroup(group, rank, worldSize, timeout);
    }

    /// <summary>Combines <paramref name="tensor"/> across ranks in place.</summary>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) => AllReduce([tensor], op);

    /// <summary>
    /// Combines every tensor across ranks in place, as one buffer (a bucket): one collective for the whole list. All
    /// tensors share a dtype; every rank passes the same shapes in the same order.
    /// </summary>
    public void AllReduce(IReadOnlyList<Tensor> tensors, ReduceOp op = ReduceOp.Sum) =>
        WithHandles(tensors, "all_reduce", (group, p, n) => NativeMethods.osp_dist_all_reduce(group, p, n, (int)op), $"{op}");

    /// <summary>Overwrites <paramref name="tensor"/> on every rank with rank <paramref name="root"/>'s values.</summary>
    public void Broadcast(Tensor tensor, int root = 0) => Broadcast([tensor], root);

    /// <summary>Overwrites every tensor on every rank with rank <paramref name="root"/>'s values, as one buffer.</summary>
    public void Broadcast(IReadOnlyList<Tensor> tensors, int root = 0)
    {
        if (root < 0 || root >= WorldSize)
            throw new ArgumentOutOfRangeException(nameof(root), root, $"the root must be a rank in 0..{WorldSize - 1}");
        WithHandles(tensors, "broadcast", (group, p, n) => NativeMethods.osp_dist_broadcast(group, p, n, root), $"root {root}");
    }

    /// <summary>Every rank's <paramref name="tensor"/> stacked in rank order: a new tensor of shape [world, *shape].</summary>
    public Tensor AllGather(Tensor tensor)
    {
        var status = NativeMethods.osp_dist_all_gather(Group, tensor.Handle, out var gathered);
        Check(status, "all_gather", tensor.Describe());
        return new Tensor(gathered);
    }

    /// <summary>
    /// torch.nn.SyncBatchNorm's training forward: batch norm of (N, C, ...) <paramref name="input"/> with the mean and
    /// variance of every rank's batch together (the running statistics, when given, updated in place with the unbiased
    /// global variance); its backward all-reduces the statistics' gradients, so each rank's input gradient is that of
    /// the global batch. Every rank calls it for the same layers in the same order.
    /// </summary>
    public Tensor SyncBatchNorm(Tensor input, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar, double momentum, double eps)
    {
        var status = NativeMethods.osp_dist_sync_batch_norm(Group, input.Handle, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero,
            runningMean?.Handle ?? IntPtr.Zero, runningVar?.Handle ?? IntPtr.Zero, momentum, eps, out var output);
        GC.KeepAlive(input);
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        GC.KeepAlive(runningMean);
        GC.KeepAlive(runningVar);
        Check(status, "sync_batch_norm", input.Describe());
        return new Tensor(output);
    }

    /// <summary>Returns once every rank has reached it.</summary>
    public void Barrier() => Check(NativeMethods.osp_dist_barrier(Group), "barrier", "");

    /// <summary>Leaves the group (joins Gloo's threads; rank 0 also stops the store, so it should leave last).</summary>
    public void Dispose()
    {
        var group = Interlocked.Exchange(ref handle, IntPtr.Zero);
        if (group != IntPtr.Zero) NativeMethods.Check(NativeMethods.osp_dist_free(group), "process group free");
    }

    IntPtr Group => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(ProcessGroup));

    delegate int Collective(IntPtr group, IntPtr* tensors, long n);

    void WithHandles(IReadOnlyList<Tensor> tensors, string what, Collective collective, string detail)
    {
        if (tensors.Count == 0) throw new ArgumentException($"{what} needs at least one tensor", nameof(tensors));
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].Handle;
        int status;
        fixed (IntPtr* p = handles) status = collective(Group, p, handles.Length);
        GC.KeepAlive(tensors);
        Check(status, what, tensors.Count == 1 ? $"{detail}, {tensors[0].Describe()}" : $"{detail}, {tensors.Count} tensors");
    }

    void Check(int status, string what, string detail)
    {
        if (status == 0) return;
        var context = detail.Length == 0 ? "" : $" ({detail})";
        throw new DistributedException($"{what}{context} failed on rank {Rank} of {WorldSize}: {NativeMethods.LastError()}");
    }
}
