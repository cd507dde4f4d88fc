using Osprey.Models.Detection.Boxes;
using Osprey.Models.Detection.Detr;

namespace Osprey.Tests.Models.Detection.Boxes;

/// <summary>Hand-computed IoU and generalized IoU.</summary>
public class BoxIouTests
{
    [Fact]
    public void PairwiseAndAlignedValues()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.From(new[] { 0f, 0, 2, 2, 0, 0, 1, 1 }, 2, 4);
        var b = Tensor.From(new[] { 1f, 1, 3, 3, 0, 0, 2, 2 }, 2, 4);
        // a0 vs b0: overlap 1, union 7, hull 9 -> IoU 1/7, GIoU 1/7 - 2/9. a0 vs b1: identical -> 1, 1.
        // a1 vs b0: disjoint, union 5, hull 9 -> 0, -4/9. a1 vs b1: inside, 1/4, 1/4.
        Assert.Equal([1 / 7f, 1, 0, 0.25f], BoxIou.Pairwise(a, b).ToArray<float>());
        var giou = BoxIou.GeneralizedPairwise(a, b).ToArray<float>();
        double[] expected = [1 / 7.0 - 2 / 9.0, 1, -4 / 9.0, 0.25];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], giou[i], tolerance: 1e-6);
        var aligned = BoxIou.GeneralizedAligned(a, b).ToArray<float>();
        Assert.Equal(expected[0], aligned[0], tolerance: 1e-6);
        Assert.Equal(expected[3], aligned[1], tolerance: 1e-6);
    }

    [Fact]
    public void DegenerateBoxesAreRejected()
    {
        using var scope = TensorScope.Begin();
        var good = Tensor.From(new[] { 0f, 0, 1, 1 }, 1, 4);
        var flipped = Tensor.From(new[] { 1f, 0, 0, 1 }, 1, 4);
        var error = Assert.Throws<ArgumentException>(() => BoxIou.GeneralizedPairwise(good, flipped));
        Assert.Contains("second boxes have x1 < x0", error.Message);
    }
}
