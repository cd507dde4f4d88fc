using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Yolo.Loss;

/// <summary>
/// The distribution focal loss of Generalized Focal Loss (Li et al., 2020), as ultralytics' DFLoss: a box side at
/// continuous distance t (in bins, clamped to [0, reg_max - 1 - 0.01]) is learned as the two neighbouring bins
/// floor(t) and floor(t) + 1, cross-entropy on each weighted by its closeness to t; the four sides are averaged.
/// </summary>
public static class DistributionFocalLoss
{
    /// <summary>
    /// <paramref name="logits"/> (K*4, reg_max) bin logits of K boxes' sides, <paramref name="target"/> (K, 4)
    /// distances in bins; returns (K, 1), the per-box mean over the four sides.
    /// </summary>
    public static Tensor Compute(Tensor logits, Tensor target, long regMax)
    {
        if (logits.Dim != 2 || logits.Size(1) != regMax)
            throw new ArgumentException($"DistributionFocalLoss: logits must be (K*4, {regMax}), got {logits.Describe()}");
        if (target.Dim != 2 || target.Size(1) != 4 || target.Size(0) * 4 != logits.Size(0))
            throw new ArgumentException($"DistributionFocalLoss: target must be ({logits.Size(0) / 4}, 4), got {target.Describe()}");
        using var scope = TensorScope.Begin();
        var t = target.Clamp(0, regMax - 1 - 0.01);
        var left = t.Long();
        var right = (left + 1).Long();   // a scalar added to an integer tensor promotes it to float
        var leftWeight = right - t;
        var rightWeight = 1 - leftWeight;
        var leftLoss = Functional.CrossEntropy(logits, left.View(-1), reduction: Reduction.None).View(left.Shape) * leftWeight;
        var rightLoss = Functional.CrossEntropy(logits, right.View(-1), reduction: Reduction.None).View(left.Shape) * rightWeight;
        return scope.Keep((leftLoss + rightLoss).Mean(-1, keepDim: true));
    }
}
