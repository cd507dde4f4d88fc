using Osprey.Torch;

namespace Osprey.Models.Segmentation.Losses;

/// <summary>
/// PSPNet's deeply supervised loss (the PSPNet paper, section 4): cross entropy on the main logits plus
/// <see cref="AuxWeight"/> (0.4, the paper's best) times the cross entropy on the auxiliary head's logits, both with
/// the ignore index. Terms: "main" and "aux" (the aux term only while the model returns auxiliary logits, i.e. in training).
/// Per-pixel weights (the UNet paper's weight map), when given, weigh both.
/// </summary>
public sealed class PSPNetCriterion(SegmentationCrossEntropy? crossEntropy = null, double auxWeight = 0.4)
{
    public SegmentationCrossEntropy CrossEntropy { get; } = crossEntropy ?? new SegmentationCrossEntropy();
    public double AuxWeight { get; } = auxWeight;

    public LossTerms Compute(SegmentationOutput output, Tensor target, Tensor? pixelWeights = null)
    {
        using var scope = TensorScope.Begin();
        var main = CrossEntropy.Compute(output.Logits, target, pixelWeights);
        if (output.AuxLogits is not { } auxLogits) return LossTerms.Single(scope.Keep(main), "main");
        var aux = CrossEntropy.Compute(auxLogits, target, pixelWeights);
        var total = main + aux * AuxWeight;
        scope.Keep(main);
        scope.Keep(aux);
        return new LossTerms(scope.Keep(total), [("main", main), ("aux", aux)]);
    }
}
