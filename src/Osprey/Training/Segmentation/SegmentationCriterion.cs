using Osprey.Data;
using Osprey.Models;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Losses;
using Osprey.Torch;

namespace Osprey.Training.Segmentation;

/// <summary>The segment task's loss on a batch: <see cref="PSPNetCriterion"/> (main + 0.4 aux where the model has an
/// auxiliary head, else the main cross entropy alone) against the collated masks (padding = ignore). Its terms are
/// always <see cref="TermNames"/>: a model with an aux head runs it in training only, so in eval the "aux" term is
/// NaN (not measured) rather than missing, and the total is the main loss.</summary>
public sealed class SegmentationCriterion(PSPNetCriterion loss, bool auxHead) : ICriterion<SegmentationOutput>
{
    public static readonly IReadOnlyList<string> MainOnly = ["main"], MainAndAux = ["main", "aux"];

    public PSPNetCriterion Loss { get; } = loss;
    public IReadOnlyList<string> TermNames => auxHead ? MainAndAux : MainOnly;

    public LossTerms Compute(SegmentationOutput output, Batch batch)
    {
        var masks = batch.Masks ?? throw new ArgumentException("segmentation loss: the batch has no masks (the dataset gave no Sample.Mask)");
        if (output.AuxLogits != null && !auxHead)
            throw new ArgumentException("segmentation loss: the model returned auxiliary logits but the task was set up for a model without an aux head");
        var terms = Loss.Compute(output, masks);
        if (!auxHead || output.AuxLogits != null) return terms;
        var notMeasured = Tensor.Full([], double.NaN, terms.Total.DType);
        return new LossTerms(terms.Total, [.. terms.Terms, ("aux", notMeasured)]);
    }
}
