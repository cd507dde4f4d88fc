using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Losses;

namespace Osprey.Tests.Models.Segmentation;

/// <summary>Against tests/fixtures/segmentation.safetensors (tools/reference/segmentation_reference.py, PyTorch + scipy).</summary>
public class SegmentationLossTests
{
    /// <summary>max |a - e| &lt;= atol + rtol * max |e|: float32 reductions differ between CPU kernels.</summary>
    internal static void ScaledClose(Tensor expected, Tensor actual, double rtol, double atol, string what)
    {
        using var scope = TensorScope.Begin();
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape [{string.Join(", ", actual.Shape)}], expected [{string.Join(", ", expected.Shape)}]");
        double error = (actual.Double() - expected.Double()).Abs().Max().Item<double>();
        double bound = atol + rtol * expected.Double().Abs().Max().Item<double>();
        Assert.True(error <= bound, $"{what}: max abs error {error:G4} exceeds {bound:G4}");
    }

    [Fact]
    public void CrossEntropyIgnores255AndWeighsClassesAsPyTorch()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var logits = f["loss_logits"].RequiresGrad_();
        var loss = new SegmentationCrossEntropy().Compute(logits, f["loss_target"]);
        ScaledClose(f["ce"], loss, 1e-6, 1e-6, "cross entropy, ignore 255");
        loss.Backward();
        ScaledClose(f["ce_grad"], logits.Grad!, 1e-5, 1e-7, "its gradient");
        Assert.Equal(0, logits.Grad!.Index(f["loss_target"].Eq(255).Unsqueeze(1).Expand(2, 4, 6, 5)).Abs().Max().Item<float>()); // ignored pixels get no gradient
        var weighted = new SegmentationCrossEntropy(f["loss_class_weights"].ToArray<float>()).Compute(f["loss_logits"], f["loss_target"]);
        ScaledClose(f["ce_weighted"], weighted, 1e-6, 1e-6, "class-weighted cross entropy");
    }

    [Fact]
    public void PSPNetLossIsMainPlusPoint4AuxWithBothTerms()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var terms = new PSPNetCriterion().Compute(new SegmentationOutput(f["loss_logits"], f["loss_aux_logits"]), f["loss_target"]);
        Assert.Equal(["main", "aux"], terms.Terms.Select(t => t.Name));
        ScaledClose(f["psp_main"], terms.Terms[0].Value, 1e-6, 1e-6, "main");
        ScaledClose(f["psp_aux"], terms.Terms[1].Value, 1e-6, 1e-6, "aux");
        ScaledClose(f["psp_total"], terms.Total, 1e-6, 1e-6, "main + 0.4 aux");
        var eval = new PSPNetCriterion().Compute(new SegmentationOutput(f["loss_logits"], null), f["loss_target"]);
        Assert.Equal(["main"], eval.Terms.Select(t => t.Name));
        ScaledClose(f["psp_main"], eval.Total, 1e-6, 1e-6, "without aux logits");
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
        ScaledClose(f["dice"], new DiceLoss().Compute(f["loss_logits"], f["loss_target"]), 1e-6, 1e-6, "dice");
        ScaledClose(f["dice_smooth1"], new DiceLoss(smooth: 1).Compute(f["loss_logits"], f["loss_target"]), 1e-6, 1e-6, "dice, smooth 1");
    }

    [Fact]
    public void UNetWeightMapMatchesScipyDistances()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var map = UNetWeightMap.Compute(f["unet_cells"]);
        ScaledClose(f["unet_weight_map"], map, 1e-6, 1e-5, "w = 1 + 10 exp(-(d1 + d2)^2 / 50) on background");
        Assert.InRange(map.Max().Item<float>(), 3f, 11f);          // the 2-pixel gap between cells 1 and 2 weighs most
        Assert.Equal(1f, map[5, 5].Item<float>());                  // inside a cell: w_c only
        var loss = new SegmentationCrossEntropy().Compute(f["unet_logits"], f["unet_target"], map.Unsqueeze(0));
        ScaledClose(f["unet_weighted_ce"], loss, 1e-6, 1e-6, "weight-map cross entropy");
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
