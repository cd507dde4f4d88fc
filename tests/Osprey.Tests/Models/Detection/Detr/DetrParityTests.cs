using Osprey.Data;
using Osprey.Models.Detection.Detr;
using Osprey.Torch.Serialization;
using Osprey.Torch.Tests;
using Xunit.Abstractions;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>
/// DETR-R50 against tools/reference/detr_reference.py (our PyTorch model with the official state-dict names,
/// run at test time: the weights are ~166 MB). The weights come from a torch.save checkpoint laid out as the
/// official ones ({"model": state_dict, ...}) and load strictly. Eval mode, a batch of two images of different
/// sizes padded with a mask; every output within 1e-4.
/// </summary>
public class DetrParityTests(ITestOutputHelper log)
{
    const double Tolerance = 1e-4;

    void Close(Tensor expected, Tensor actual, string what)
    {
        log.WriteLine($"{what}: max abs error {(expected - actual).Abs().Max().Item<float>():E2}");
        Expect.Close(expected, actual, Tolerance, Tolerance, what);
    }

    [Fact]
    public void PaddedBatchOfTwoSizesMatchesPyTorchAtEveryDecoderLayerAndAfterPostProcessing()
    {
        using var scope = TensorScope.Begin();
        var folder = ReferenceOutputs.Folder("detr_reference.py");
        var (reference, _) = SafeTensors.Load(Path.Combine(folder, "detr_r50.safetensors"));
        var state = TorchLoad.LoadStateDict(Path.Combine(folder, "detr_r50.pth"));
        using var model = new Osprey.Models.Detection.Detr.Detr();
        var report = model.LoadStateDict(state, strict: true);
        Assert.True(report.IsClean, report.ToString());
        model.Eval();
        using var noGrad = Autograd.NoGrad();

        using var batch = ImageBatch.FromImages([reference["image0"], reference["image1"]]);
        Assert.Equal([2L, 3, 160, 192], batch.Images.Shape);
        Assert.Equal(reference["mask"].ToArray<bool>(), batch.Mask.ToArray<bool>());

        var features = model.Backbone.Call(batch);
        Assert.Equal([2L, 2048, 5, 6], features.Features.Shape);
        Assert.Equal(reference["feature_mask"].ToArray<bool>(), features.Mask.ToArray<bool>());
        Close(reference["pos"], features.Position, "position encoding");

        var output = model.Call(batch);
        Close(reference["logits"], output.Logits, "final logits");
        Close(reference["boxes"], output.Boxes, "final boxes");
        Assert.Equal(5, output.Auxiliary.Count);
        for (int layer = 0; layer < 5; layer++)
        {
            Close(reference["aux_logits"].Select(0, layer), output.Auxiliary[layer].Logits, $"aux logits {layer}");
            Close(reference["aux_boxes"].Select(0, layer), output.Auxiliary[layer].Boxes, $"aux boxes {layer}");
        }

        var sizes = reference["target_sizes"].ToArray<long>();
        var detections = DetrPostProcess.Run(output, [(sizes[0], sizes[1]), (sizes[2], sizes[3])]);
        Assert.Equal(2, detections.Count);
        for (int i = 0; i < 2; i++)
        {
            Close(reference["scores"].Select(0, i), detections[i].Scores, $"scores {i}");
            // The reference's smallest gap between the two best class probabilities is ~8e-4, far above float noise.
            Assert.Equal(reference["labels"].Select(0, i).ToArray<long>(), detections[i].Labels.ToArray<long>());
            Close(reference["pixel_boxes"].Select(0, i), detections[i].Boxes, $"pixel boxes {i}");
        }
    }
}
