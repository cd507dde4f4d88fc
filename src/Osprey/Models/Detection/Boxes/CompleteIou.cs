using Osprey.Torch;

namespace Osprey.Models.Detection.Boxes;

/// <summary>
/// Complete IoU (Zheng et al., "Distance-IoU Loss", 2020) of aligned or broadcast (x0, y0, x1, y1) boxes, as
/// ultralytics' bbox_iou(xywh=False, CIoU=True): IoU - (centre distance^2 / enclosing diagonal^2 + v * alpha), with
/// v = 4/pi^2 (atan(w2/h2) - atan(w1/h1))^2 the aspect-ratio term and alpha = v / (v - IoU + 1 + eps) held constant
/// for the gradient. eps (1e-7) is added to both heights, the union and the squared diagonal, as there.
/// </summary>
public static class CompleteIou
{
    public const double DefaultEps = 1e-7;

    /// <summary>CIoU of <paramref name="a"/> (..., 4) and <paramref name="b"/> (..., 4), broadcast; the result drops
    /// the last dimension.</summary>
    public static Tensor Compute(Tensor a, Tensor b, double eps = DefaultEps)
    {
        if (a.Dim < 1 || a.Size(-1) != 4) throw new ArgumentException($"CompleteIou: first boxes must end in 4 coordinates, got {a.Describe()}");
        if (b.Dim < 1 || b.Size(-1) != 4) throw new ArgumentException($"CompleteIou: second boxes must end in 4 coordinates, got {b.Describe()}");
        using var scope = TensorScope.Begin();
        var p = a.Unbind(-1);
        var q = b.Unbind(-1);
        var (ax0, ay0, ax1, ay1) = (p[0], p[1], p[2], p[3]);
        var (bx0, by0, bx1, by1) = (q[0], q[1], q[2], q[3]);
        var (w1, h1) = (ax1 - ax0, ay1 - ay0 + eps);
        var (w2, h2) = (bx1 - bx0, by1 - by0 + eps);

        var intersection = (ax1.Minimum(bx1) - ax0.Maximum(bx0)).ClampMin(0) * (ay1.Minimum(by1) - ay0.Maximum(by0)).ClampMin(0);
        var union = w1 * h1 + w2 * h2 - intersection + eps;
        var iou = intersection / union;

        var enclosingWidth = ax1.Maximum(bx1) - ax0.Minimum(bx0);
        var enclosingHeight = ay1.Maximum(by1) - ay0.Minimum(by0);
        var diagonal = enclosingWidth.Pow(2) + enclosingHeight.Pow(2) + eps;
        var centreDistance = ((bx0 + bx1 - ax0 - ax1).Pow(2) + (by0 + by1 - ay0 - ay1).Pow(2)) / 4;
        var v = (4 / (Math.PI * Math.PI)) * ((w2 / h2).Atan() - (w1 / h1).Atan()).Pow(2);
        Tensor alpha;
        using (Autograd.NoGrad()) alpha = v / (v - iou + (1 + eps));
        return scope.Keep(iou - (centreDistance / diagonal + v * alpha));
    }
}
