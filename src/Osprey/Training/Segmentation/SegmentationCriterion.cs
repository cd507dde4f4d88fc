using Osprey.Data;
using Osprey.Models;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Losses;
using Osprey.Torch;

namespace Osprey.Training.Segmentation;

/// <summary>The segment task's loss on a batch: <see cref="PSPNetCriterion"/> (main + aux weight x aux where the model
/// has an auxiliary head, else the main cross entropy alone) against the collated masks (padding = ignore), plus
/// <paramref name="diceWeight"/> x a soft <see cref="DiceLoss"/> on the main logits. The Dice term is always measured
/// and logged (with weight 0 it is a diagnostic that follows mIoU more closely than the cross entropy). Its terms are
/// always <see cref="TermNames"/>: a model with an aux head runs it in training only, so in eval the "aux" term is NaN
/// (not measured) rather than missing. With <paramref name="weightMap"/> the cross entropy weighs each pixel by the UNet
/// paper's weight map of its mask (<see cref="MaskCells.WeightMaps"/>: cells are the connected regions of a class).</summary>
public sealed class SegmentationCriterion(PSPNetCriterion loss, bool auxHead, double diceWeight = 0, bool weightMap = false) : ICriterion<SegmentationOutput>
{
    public static readonly IReadOnlyList<string> MainAndDice = ["main", "dice"], MainAuxAndDice = ["main", "aux", "dice"];

    readonly DiceLoss dice = new(ignoreIndex: loss.CrossEntropy.IgnoreIndex);

    public PSPNetCriterion Loss { get; } = loss;
    public double DiceWeight { get; } = diceWeight;
    public bool WeightMap { get; } = weightMap;
    public IReadOnlyList<string> TermNames => auxHead ? MainAuxAndDice : MainAndDice;

    public LossTerms Compute(SegmentationOutput output, Batch batch)
    {
        var masks = batch.Masks ?? throw new ArgumentException("segmentation loss: the batch has no masks (the dataset gave no Sample.Mask)");
        if (output.AuxLogits != null && !auxHead)
            throw new ArgumentException("segmentation loss: the model returned auxiliary logits but the task was set up for a model without an aux head");
        var pixelWeights = WeightMap ? MaskCells.WeightMaps(masks, ignoreIndex: Loss.CrossEntropy.IgnoreIndex) : null;
        var terms = Loss.Compute(output, masks, pixelWeights);
        var total = terms.Total;
        var named = terms.Terms.ToList();
        if (auxHead && output.AuxLogits == null) named.Add(("aux", Tensor.Full([], double.NaN, total.DType)));
        Tensor diceTerm;
        if (DiceWeight > 0)
        {
            diceTerm = dice.Compute(output.Logits, masks);
            total = total + diceTerm * DiceWeight;
        }
        else
            using (Autograd.NoGrad())   // logged only: no graph kept for it
                diceTerm = dice.Compute(output.Logits, masks);
        named.Add(("dice", diceTerm));
        return new LossTerms(total, named);
    }
}
