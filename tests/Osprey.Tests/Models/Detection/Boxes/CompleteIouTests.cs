using Osprey.Models.Detection.Boxes;
using Osprey.Models.Detection.Yolo.Loss;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Models.Detection.Boxes;

/// <summary>
/// CIoU, box distances and the distribution focal loss against ultralytics' bbox_iou(CIoU=True), bbox2dist,
/// dist2bbox and DFLoss (tools/reference/yolo_loss_reference.py): 40 random pairs plus identical, disjoint,
/// nested, touching and zero-width boxes; values within 1e-6 relative, CIoU gradients within 1e-5 of their scale.
/// </summary>
public class CompleteIouTests
{
    [Fact]
    public void CompleteIouAndItsGradientEqualUltralytics()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("yolo_loss");
        var (a, b) = (f["boxes.a"].Clone(), f["boxes.b"].Clone());
        a.RequiresGrad = b.RequiresGrad = true;
        var ciou = CompleteIou.Compute(a, b);
        Expect.Close(f["boxes.ciou"], ciou, 1e-6, 1e-7, "ciou");
        Assert.Equal(1.0, ciou[0].Item<double>(), 6);   // identical boxes
        Assert.True(ciou[1].Item<double>() < 0, "disjoint boxes have a negative CIoU");
        ciou.Sum().Backward();
        var (ga, gb) = (f["boxes.ciou_grad_a"], f["boxes.ciou_grad_b"]);
        Expect.Close(ga, a.Grad!, 0, 1e-5 * ga.Abs().Max().Item<double>(), "d ciou / d a");
        Expect.Close(gb, b.Grad!, 0, 1e-5 * gb.Abs().Max().Item<double>(), "d ciou / d b");
    }

    [Fact]
    public void DistancesConvertAsUltralytics()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("yolo_loss");
        Expect.Close(f["boxes.bbox2dist"], BoxDistances.FromCorners(f["boxes.points"], f["boxes.b"], 15), 1e-6, 1e-6, "bbox2dist");
        Expect.Close(f["boxes.dist2bbox"], BoxDistances.ToCorners(f["boxes.sides"], f["boxes.points"]), 1e-6, 1e-6, "dist2bbox");
        Assert.Equal(14.99f, BoxDistances.FromCorners(f["boxes.points"], f["boxes.b"], 15).Max().Item<float>(), 5);
    }

    [Fact]
    public void DistributionFocalLossEqualsUltralytics()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("yolo_loss");
        Expect.Close(f["dfl.loss"], DistributionFocalLoss.Compute(f["dfl.logits"], f["dfl.target"], 16), 1e-6, 1e-7, "dfl");
        var error = Assert.Throws<ArgumentException>(() => DistributionFocalLoss.Compute(f["dfl.logits"], f["dfl.target"], 8));
        Assert.Contains("logits must be (K*4, 8)", error.Message);
    }

    [Fact]
    public void BoxesWithoutFourCoordinatesAreRejected()
    {
        using var scope = TensorScope.Begin();
        var error = Assert.Throws<ArgumentException>(() => CompleteIou.Compute(Tensor.Zeros([3, 4]), Tensor.Zeros([3, 5])));
        Assert.Contains("second boxes must end in 4 coordinates", error.Message);
    }
}
