using Osprey.Torch;
using Osprey.Torch.Distributed;
using Osprey.Torch.NN;

namespace Osprey.Training.Distributed;

/// <summary>
/// Keeps one model identical on every rank, as PyTorch's DistributedDataParallel: <see cref="BroadcastState"/> copies
/// rank 0's parameters and buffers to all ranks once at the start, and <see cref="AverageGradients"/> — called after
/// backward, before the optimizer step — replaces every gradient by its mean over the ranks, in buckets of at most
/// <c>capBytes</c> (one all-reduce each, last layers first as DDP orders them). Each rank then takes the same step
/// from the same weights, so the optimizer state stays identical without being exchanged.
/// </summary>
public sealed class DataParallel
{
    readonly Module module;
    readonly IReadOnlyList<Tensor> trained;
    readonly long capBytes;
    readonly System.Diagnostics.Stopwatch communicating = new();

    public DataParallel(ProcessGroup group, Module module, long capBytes = GradientBuckets.DefaultCapBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capBytes, 1);
        (Group, this.module, this.capBytes) = (group, module, capBytes);
        trained = module.Parameters().Where(p => p.RequiresGrad).Reverse().ToList();
    }

    public ProcessGroup Group { get; }

    /// <summary>All-reduces of the last <see cref="AverageGradients"/> call (the gradient buckets, plus the presence check).</summary>
    public int LastCollectives { get; private set; }

    /// <summary>Time in <see cref="AverageGradients"/>'s collectives so far; a faster rank's includes waiting for the slower.</summary>
    public TimeSpan CommunicationTime => communicating.Elapsed;

    /// <summary>Rank <paramref name="root"/>'s parameters and buffers on every rank (once, before the first step).</summary>
    public void BroadcastState(int root = 0)
    {
        foreach (var bucket in GradientBuckets.Split(module.Parameters().Concat(module.Buffers()), capBytes))
            Group.Broadcast(bucket, root);
    }

    /// <summary>Rank <paramref name="root"/>'s buffers (BatchNorm statistics) on every rank: DDP's broadcast_buffers before a forward.</summary>
    public void BroadcastBuffers(int root = 0)
    {
        foreach (var bucket in GradientBuckets.Split(module.Buffers(), capBytes))
            Group.Broadcast(bucket, root);
    }

    /// <summary>
    /// Every trained parameter's gradient becomes its mean over the ranks. A parameter that got a gradient on some
    /// ranks only (a branch not taken) counts as zero on the others; one without a gradient anywhere keeps none, so
    /// the optimizer skips it on every rank alike.
    /// </summary>
    public void AverageGradients()
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        var grads = trained.Select(p => p.Grad).ToList();
        var present = Tensor.From(grads.Select(g => g == null ? 0f : 1f).ToArray());
        communicating.Start();
        Group.AllReduce(present, ReduceOp.Max);
        communicating.Stop();
        var anywhere = present.ToArray<float>();
        var reduced = new List<Tensor>();
        for (int i = 0; i < trained.Count; i++)
        {
            if (anywhere[i] == 0) continue;
            if (grads[i] == null)
            {
                trained[i].Grad = trained[i].ZerosLike();
                grads[i] = trained[i].Grad;
            }
            reduced.Add(grads[i]!);
        }
        var buckets = GradientBuckets.Split(reduced, capBytes);
        communicating.Start();
        foreach (var bucket in buckets) Group.AllReduce(bucket, ReduceOp.Avg);
        communicating.Stop();
        LastCollectives = buckets.Count + 1;
    }
}
