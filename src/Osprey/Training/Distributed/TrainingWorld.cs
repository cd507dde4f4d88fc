using System.Text;
using Osprey.Data;
using Osprey.Torch;
using Osprey.Torch.Distributed;
using Osprey.Torch.NN;

namespace Osprey.Training.Distributed;

/// <summary>
/// What the <see cref="Trainer"/> does differently as one rank of a data-parallel run, as ultralytics and DDP do it:
/// each rank loads batch / world samples of the <see cref="DistributedSampler"/>'s shard, starts from rank 0's weights,
/// averages the gradients before every step (<see cref="DataParallelSteps"/>), optionally synchronizes batch norm;
/// rank 0 alone validates and writes, and shares what the others need (the run folder, the epoch's metrics, a stop).
/// A single process (<see cref="Single"/>) does none of it.
/// </summary>
public sealed class TrainingWorld : IDisposable
{
    TrainingWorld(ProcessGroup? group) => Group = group;

    DataParallel? gradients;

    public static TrainingWorld Single => new(null);

    /// <summary>Joins the group <paramref name="launch"/> describes (rank 0 hosts the store); a world of one joins nothing.</summary>
    public static TrainingWorld Join(LaunchEnvironment launch, TimeSpan timeout) =>
        new(launch.IsDistributed ? launch.Join(timeout) : null);

    public ProcessGroup? Group { get; }
    public int Rank => Group?.Rank ?? 0;
    public int Size => Group?.WorldSize ?? 1;
    /// <summary>Rank 0: validates, writes the run folder, checkpoints, results and pictures.</summary>
    public bool IsMain => Rank == 0;

    /// <summary>The loader options of this rank's share: batch / world samples of each epoch's shard.</summary>
    public LoaderOptions Loader(LoaderOptions options) => Group == null ? options :
        options with { BatchSize = DistributedSampler.PerRankBatch(options.BatchSize, Size), Sampler = new DistributedSampler(Rank, Size) };

    /// <summary>Rank 0's parameters and buffers on every rank, and batch norm synchronized when asked (before the EMA copies them).</summary>
    public void Prepare(Module model, bool syncBatchNorm)
    {
        if (Group == null) return;
        new DataParallel(Group, model).BroadcastState();
        if (syncBatchNorm) SyncBatchNorm.Convert(model, Group);
    }

    /// <summary>This rank's validation share: whole batches of the single process, in a block (<see cref="BatchShard"/>).</summary>
    public LoaderOptions ValidationLoader(LoaderOptions options) => Group == null ? options : options with { Sampler = new BatchShard(Rank, Size) };

    /// <summary>The step policy with the gradients averaged over the ranks before it steps.</summary>
    public IStepPolicy Steps(Module model, IStepPolicy inner)
    {
        if (Group == null) return inner;
        gradients = new DataParallel(Group, model);
        return new DataParallelSteps(inner, gradients);
    }

    /// <summary>Time spent in the gradient all-reduces so far (waiting for the slowest rank included).</summary>
    public TimeSpan CommunicationTime => gradients?.CommunicationTime ?? TimeSpan.Zero;

    /// <summary>Each value averaged over the ranks (the epoch's mean loss terms of equal-sized shards).</summary>
    public double[] Mean(double[] values) =>
        Group == null ? values : RankReduce.Sum(Group, values).Select(v => v / Size).ToArray();

    /// <summary>Rank 0's values on every rank (its validation results).</summary>
    public double[] FromMain(double[] values)
    {
        if (Group == null || values.Length == 0) return values;
        using var scope = TensorScope.Begin();
        var t = Tensor.From(values);
        Group.Broadcast(t, 0);
        return t.ToArray<double>();
    }

    /// <summary>True on every rank when any rank asked to stop.</summary>
    public bool Any(bool flag) => Group == null ? flag : RankReduce.Sum(Group, flag ? 1 : 0)[0] > 0;

    /// <summary>Rank 0's text on every rank (the run folder it created).</summary>
    public string FromMain(string text)
    {
        if (Group == null) return text;
        var bytes = Encoding.UTF8.GetBytes(IsMain ? text : "");
        var length = (int)FromMain([bytes.Length])[0];
        if (length == 0) return "";
        using var scope = TensorScope.Begin();
        var buffer = Tensor.FromBytes(IsMain ? bytes : new byte[length], DType.UInt8, length);
        Group.Broadcast(buffer, 0);
        return Encoding.UTF8.GetString(buffer.ToArray<byte>());
    }

    /// <summary>Waits for every rank (rank 0 hosts the store, so it leaves last).</summary>
    public void Barrier() => Group?.Barrier();

    public void Dispose() => Group?.Dispose();
}
