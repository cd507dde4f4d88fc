using Osprey.Data;
using Osprey.Models.Detection.Detr;
using Osprey.Torch.Tests;
using Xunit.Abstractions;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>
/// The last decoder layer's cross-attention against tools/reference/detr_attention_reference.py, which runs the official
/// facebookresearch/detr code (the light configuration, dropout 0, eval, weights by the recipe of the step reference) on a
/// padded batch of two sizes and keeps the attention as the official attention notebook's forward hook does.
/// Tolerance: weights are probabilities in [0, 1]; max |a - e| &lt;= 1e-5.
/// </summary>
public class DetrCrossAttentionTests(ITestOutputHelper log)
{
    [Fact]
    public void MapsEqualTheOfficialNotebookHookOnAPaddedBatch()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("detr_attention");
        using var model = new Osprey.Models.Detection.Detr.Detr(DetrOptions.LightR18 with { Dropout = 0 });
        DetrTrainingStepTests.FillByRecipe(model, 0);
        model.Eval();
        using var noGrad = Autograd.NoGrad();
        using var batch = ImageBatch.FromImages([f["image0"], f["image1"]]);
        Assert.Equal(f["mask"].ToArray<bool>(), batch.Mask.ToArray<bool>());

        using var plain = model.Run(batch);
        using var attention = new DetrCrossAttention(model);
        using var output = model.Run(batch);
        var grid = f["grid"].ToArray<long>();
        Assert.Equal([2L, 50, grid[0], grid[1]], attention.Maps.Shape);
        var maps = attention.Maps.Flatten(2);
        log.WriteLine($"attention: max abs error {(maps - f["attention"]).Abs().Max().Item<float>():E2}");
        Expect.Close(f["attention"], maps, 0, 1e-5, "cross-attention of the last decoder layer");
        Expect.Close(f["logits"], output.Logits, 1e-4, 1e-5, "final logits (the same model)");
        // The capture changes nothing the model returns.
        Assert.Equal(plain.Logits.ToArray<float>(), output.Logits.ToArray<float>());
        Assert.Equal(plain.Boxes.ToArray<float>(), output.Boxes.ToArray<float>());
        // Every query's map is a distribution over the keys; the second image's padded cells get none of it.
        Expect.Close(Tensor.Ones([2, 50]), maps.Sum(-1), 0, 1e-5, "each map sums to 1");
        var small = Osprey.Torch.NN.Functional.Interpolate(batch.Mask.Unsqueeze(0).Float(), [grid[0], grid[1]]);
        var padded = small.Select(0, 0).Select(0, 1).Flatten().ToArray<float>();
        var second = attention.Maps.Select(0, 1).Flatten(1).ToArray<float>();
        Assert.Contains(1f, padded);
        for (int q = 0; q < 50; q++)
            for (int s = 0; s < padded.Length; s++)
                if (padded[s] == 1) Assert.Equal(0f, second[q * padded.Length + s]);
    }

    [Fact]
    public void DetachedCaptureLeavesNoTensorAndStopsWatching()
    {
        using var scope = TensorScope.Begin();
        using var model = new Osprey.Models.Detection.Detr.Detr(DetrOptions.LightR18 with { NumQueries = 4 });
        model.Eval();
        using var noGrad = Autograd.NoGrad();
        using var batch = ImageBatch.FromImages([Tensor.Randn([3, 64, 96])]);
        var hooks = model.Transformer.ForwardHookCount;
        var before = Tensor.LiveCount;
        using (var attention = new DetrCrossAttention(model))
        {
            Assert.Throws<InvalidOperationException>(() => attention.Maps);
            for (int run = 0; run < 2; run++)
            {
                using var output = model.Run(batch);
                Assert.Equal([1L, 4, 2, 3], attention.Maps.Shape);
            }
        }
        Assert.Equal(before, Tensor.LiveCount);
        Assert.Equal(hooks, model.Transformer.ForwardHookCount);
        Assert.Equal(0, model.Transformer.Decoder.Layers[2].CrossAttention.ForwardHookCount);
    }
}
