using Osprey.Models;
using Osprey.Torch.Distributed;

namespace Osprey.Training.Distributed;

/// <summary>
/// A criterion whose training loss depends on the other ranks' batches, so that averaged gradients equal the
/// single-process ones: DETR's box count averaged over the ranks (the official code's all-reduce), ultralytics'
/// batch-size-scaled loss multiplied by the world size (its trainer does so under DDP). Validation keeps the plain one.
/// </summary>
public interface IRankAwareCriterion<in TOutput> where TOutput : IModelOutput
{
    /// <summary>The criterion a rank of <paramref name="group"/> trains with (its collectives run inside Compute).</summary>
    ICriterion<TOutput> ForWorld(ProcessGroup group);
}

/// <summary>A criterion whose total (what backward runs on) is multiplied by the world size; logged terms unchanged.</summary>
public sealed class WorldScaledCriterion<TOutput>(ICriterion<TOutput> inner, int worldSize) : ICriterion<TOutput> where TOutput : IModelOutput
{
    public LossTerms Compute(TOutput output, Osprey.Data.Batch batch)
    {
        var loss = inner.Compute(output, batch);
        return new LossTerms(loss.Total * worldSize, loss.Terms);
    }
}
