using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Losses;

namespace Osprey.Tests.Models.Segmentation;

/// <summary>Against tests/fixtures/segmentation.safetensors (tools/reference/segmentation_reference.py, PyTorch + scipy).</summary>
public class SegmentationLossTests
{
    [Fact]
    public void CrossEntropyIgnores255AndWeighsClassesAsPyTorch()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var logits = f["loss_logits"].RequiresGrad_();
        var loss = new SegmentationCrossEntropy().Compute(logits, f["loss_target"]);
        Expect.Close(f["ce"], loss, 1e-6, 1e-6, "cross entropy, ignore 255");
        loss.Backward();
        Expect.Close(f["ce_grad"], logits.Grad!, 1e-5, 1e-7, "its gradient");
        Assert.Equal(0, logits.Grad!.Index(f["loss_target"].Eq(255).Unsqueeze(1).Expand(2, 4, 6, 5)).Abs().Max().Item<float>()); // ignored pixels get no gradient
        var weighted = new SegmentationCrossEntropy(f["loss_class_weights"].ToArray<float>()).Compute(f["loss_logits"], f["loss_target"]);
        Expect.Close(f["ce_weighted"], weighted, 1e-6, 1e-6, "class-weighted cross entropy");
    }

    [Fact]
    public void PSPNetLossIsMainPlusPoint4AuxWithBothTerms()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var terms = new PSPNetCriterion().Compute(new SegmentationOutput(f["loss_logits"], f["loss_aux_logits"]), f["loss_target"]);
        Assert.Equal(["main", "aux"], terms.Terms.Select(t => t.Name));
        Expect.Close(f["psp_main"], terms.Terms[0].Value, 1e-6, 1e-6, "main");
        Expect.Close(f["psp_aux"], terms.Terms[1].Value, 1e-6, 1e-6, "aux");
        Expect.Close(f["psp_total"], terms.Total, 1e-6, 1e-6, "main + 0.4 aux");
        var eval = new PSPNetCriterion().Compute(new SegmentationOutput(f["loss_logits"], null), f["loss_target"]);
        Assert.Equal(["main"], eval.Terms.Select(t => t.Name));
        Expect.Close(f["psp_main"], eval.Total, 1e-6, 1e-6, "without aux logits");
    }

    [Fact]
    public void AllIgnoredGivesZeroNotNaN()
    {
        using var scope = TensorScope.Begin();
        var logits = Tensor.Randn([1, 3, 2, 2]).RequiresGrad_();
        var loss = new SegmentationCrossEntropy().Compute(logits, Tensor.Full([1, 2, 2], 255, DType.Int64));
        Assert.Equal(0f, loss.Item<float>());
        loss.Backward();
        Assert.Equal(0f, logits.Grad!.Abs().Sum().Item<float>());
    }

    [Fact]
    public void DiceLossMatchesTheReference()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        Expect.Close(f["dice"], new DiceLoss().Compute(f["loss_logits"], f["loss_target"]), 1e-6, 1e-6, "dice");
        Expect.Close(f["dice_smooth1"], new DiceLoss(smooth: 1).Compute(f["loss_logits"], f["loss_target"]), 1e-6, 1e-6, "dice, smooth 1");
    }

    [Fact]
    public void UNetWeightMapMatchesScipyDistances()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var map = UNetWeightMap.Compute(f["unet_cells"]);
        Expect.Close(f["unet_weight_map"], map, 1e-6, 1e-5, "w = 1 + 10 exp(-(d1 + d2)^2 / 50) on background");
        Assert.InRange(map.Max().Item<float>(), 3f, 11f);          // the 2-pixel gap between cells 1 and 2 weighs most
        Assert.Equal(1f, map[5, 5].Item<float>());                  // inside a cell: w_c only
        var loss = new SegmentationCrossEntropy().Compute(f["unet_logits"], f["unet_target"], map.Unsqueeze(0));
        Expect.Close(f["unet_weighted_ce"], loss, 1e-6, 1e-6, "weight-map cross entropy");
    }

    [Fact]
    public void MaskCellsAreTheConnectedRegionsOfEachClass()
    {
        using var scope = TensorScope.Begin();
        var mask = Tensor.From(new byte[]
        {
            1, 1, 0, 2,
            0, 1, 0, 2,
            1, 0, 255, 1,
            1, 2, 2, 1,
        }, 4, 4);
        // Raster order of first pixels: the top-left 1s, the 2s at the top right, the 1s at the left, the 1s at the
        // right, the 2s at the bottom (touching both but another class); background and ignore are 0.
        long[] expected =
        [
            1, 1, 0, 2,
            0, 1, 0, 2,
            3, 0, 0, 4,
            3, 5, 5, 4,
        ];
        Assert.Equal(expected, MaskCells.Label(mask).ToArray<long>());
    }

    [Fact]
    public void WeightMapsOfMasksEqualScipysOnTheirCells()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        // The fixture's target is its cells as class 1 (none touching, first row ignored): the cells found again.
        var maps = MaskCells.WeightMaps(f["unet_target"]);
        Expect.Close(f["unet_weight_map"].Unsqueeze(0), maps, 1e-6, 1e-5, "the weight map of the target's cells");
    }

    [Fact]
    public void ClassBalanceGivesEachPresentClassTheSameTotalWeight()
    {
        using var scope = TensorScope.Begin();
        var mask = Tensor.From(new long[] { 0, 0, 0, 1, 255, 0, 0, 1 }, 2, 4);  // class 0: 5 pixels, class 1: 2, class 2 absent
        var w = UNetWeightMap.ClassBalance(mask, 3).ToArray<float>();
        // total 7 labelled pixels, 2 classes present: 7 / (2 * 5) and 7 / (2 * 2); ignored 0.
        Assert.Equal(new[] { 0.7f, 0.7f, 0.7f, 1.75f, 0f, 0.7f, 0.7f, 1.75f }, w);
    }
}

public class SegmentationLossLeakTests
{
    [Fact]
    public void LossesAndBackwardLeakNothing()
    {
        long before = Tensor.LiveCount;
        using (var scope = TensorScope.Begin())
        {
            var logits = Tensor.Randn([2, 3, 8, 8]).RequiresGrad_();
            var aux = Tensor.Randn([2, 3, 8, 8]).RequiresGrad_();
            var target = Tensor.Randint(0, 3, [2, 8, 8]).MaskedFill(Tensor.Rand([2, 8, 8]).Lt(0.2), 255);
            var terms = new Osprey.Models.Segmentation.Losses.PSPNetCriterion().Compute(new Osprey.Models.Segmentation.SegmentationOutput(logits, aux), target);
            var dice = new Osprey.Models.Segmentation.Losses.DiceLoss().Compute(logits, target);
            (terms.Total + dice).Backward();
            Assert.True(aux.Grad!.Abs().Sum().Item<float>() > 0);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }
}
