using Osprey.Data;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Losses;
using Osprey.Training.Segmentation;

namespace Osprey.Tests.Training.Segmentation;

public class SegmentationTaskPartsTests
{
    static Batch TwoMasks()
    {
        var a = new Sample(Tensor.Zeros([3, 2, 2])) { Mask = Tensor.From(new byte[] { 0, 1, 1, 255 }, 2, 2) };
        var b = new Sample(Tensor.Zeros([3, 1, 2])) { Mask = Tensor.From(new byte[] { 2, 0 }, 1, 2) };
        return PadCollate.Instance.Collate(0, [0, 1], [a, b]);   // b padded to 2 x 2 with ignore
    }

    [Fact]
    public void CriterionAndEvaluatorReadTheCollatedMasks()
    {
        using var scope = TensorScope.Begin();
        using var batch = TwoMasks();
        // Logits predicting class 0 everywhere except class 1 at (0, 0, 1).
        var logits = Tensor.Zeros([2, 3, 2, 2]).IndexPut([0, 0], 1.0).IndexPut([1, 0], 1.0).IndexPut([0, 1, 0, 1], 5.0);
        var aux = Tensor.Zeros([2, 3, 2, 2]);
        var terms = new SegmentationCriterion(new PSPNetCriterion(), auxHead: true).Compute(new SegmentationOutput(logits, aux), batch);
        var expectedMain = new SegmentationCrossEntropy().Compute(logits, batch.Masks!);
        Assert.Equal(expectedMain.Item<float>() + 0.4f * MathF.Log(3), terms.Total.Item<float>(), 5);

        var evaluator = new SegmentationEvaluator(3);
        evaluator.Add(new SegmentationOutput(logits, null), batch);
        // 5 labelled pixels: labels 0, 1, 1, 2, 0; predictions 0, 1, 0, 0, 0.
        // IoU: class 0 2/4, class 1 1/2, class 2 0/1 -> mIoU 1/3; Acc: 1, 1/2, 0 -> 1/2; aAcc 3/5.
        var values = evaluator.Values();
        Assert.Equal(3, values.Count);
        Assert.Equal(1.0 / 3, values[0], 12);
        Assert.Equal(0.5, values[1], 12);
        Assert.Equal(0.6, values[2], 12);
        Assert.Equal(1.0 / 3, evaluator.Fitness, 12);
    }

    [Fact]
    public void WeightMapOptionWeighsTheCrossEntropyByTheUNetPapersMap()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("segmentation");
        var target = f["unet_target"];
        var sample = new Sample(Tensor.Zeros([3, target.Size(1), target.Size(2)])) { Mask = target[0].To(DType.UInt8) };
        using var batch = PadCollate.Instance.Collate(0, [0], [sample]);
        var output = new SegmentationOutput(f["unet_logits"], null);
        var weighted = new SegmentationCriterion(new PSPNetCriterion(), auxHead: false, weightMap: true).Compute(output, batch);
        Expect.Close(f["unet_weighted_ce"], weighted.Terms[0].Value, 1e-6, 1e-6, "main term with the weight map (PyTorch + scipy)");
        var plain = new SegmentationCriterion(new PSPNetCriterion(), auxHead: false).Compute(output, batch);
        Expect.Close(new SegmentationCrossEntropy().Compute(f["unet_logits"], target), plain.Terms[0].Value, 0, 0, "without the option");
    }
}
