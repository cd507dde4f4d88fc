using Osprey.Torch;

namespace Osprey.Models.Segmentation.Losses;

/// <summary>
/// Soft Dice loss over softmax probabilities, as segmentation_models_pytorch's DiceLoss in multiclass mode: per class
/// c, score = (2 sum(p_c t_c) + smooth) / max(sum(p_c) + sum(t_c) + smooth, eps) over the batch's labelled pixels,
/// loss_c = 1 - score, zeroed for a class absent from the targets, averaged over all classes. Ignored pixels count
/// neither in p nor in t.
/// </summary>
public sealed class DiceLoss(double smooth = 0, double eps = 1e-7, int ignoreIndex = 255)
{
    public Tensor Compute(Tensor logits, Tensor target)
    {
        if (logits.Dim != 4 || target.Dim != 3)
            throw new ArgumentException($"dice loss: logits {logits.Describe()} must be (N, C, H, W) and targets {target.Describe()} (N, H, W)");
        using var scope = TensorScope.Begin();
        long n = logits.Size(0), classes = logits.Size(1);
        var probs = logits.Softmax(1).View(n, classes, -1);
        var labels = target.Long().View(n, -1);
        var valid = labels.Ne(ignoreIndex);
        var oneHot = labels.MaskedFill(valid.LogicalNot(), 0).OneHot(classes).Permute(0, 2, 1).To(probs.DType); // (N, C, HW)
        var mask = valid.Unsqueeze(1).To(probs.DType);
        probs = probs * mask;
        oneHot = oneHot * mask;
        long[] dims = [0, 2];
        var intersection = (probs * oneHot).Sum(dims);
        var cardinality = (probs + oneHot).Sum(dims);
        var score = (intersection * 2 + smooth) / (cardinality + smooth).ClampMin(eps);
        var present = oneHot.Sum(dims).Gt(0).To(probs.DType);
        return scope.Keep(((1 - score) * present).Mean());
    }
}
