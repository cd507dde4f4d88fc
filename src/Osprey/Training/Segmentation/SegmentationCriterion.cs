using Osprey.Data;
using Osprey.Models;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Losses;

namespace Osprey.Training.Segmentation;

/// <summary>The segment task's loss on a batch: <see cref="PSPNetCriterion"/> (main + 0.4 aux where the model has an
/// auxiliary head, else the main cross entropy alone) against the collated masks (padding = ignore).</summary>
public sealed class SegmentationCriterion(PSPNetCriterion loss) : ICriterion<SegmentationOutput>
{
    public PSPNetCriterion Loss { get; } = loss;

    public LossTerms Compute(SegmentationOutput output, Batch batch) =>
        Loss.Compute(output, batch.Masks ?? throw new ArgumentException("segmentation loss: the batch has no masks (the dataset gave no Sample.Mask)"));
}
