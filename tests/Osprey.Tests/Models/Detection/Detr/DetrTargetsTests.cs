using Osprey.Data;
using Osprey.Models.Detection.Detr;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>Targets from a padded batch are normalized by each image's own size, not the padded one.</summary>
public class DetrTargetsTests
{
    [Fact]
    public void BoxesAreNormalizedByEachImagesOwnSize()
    {
        using var scope = TensorScope.Begin();
        var big = new Sample(Tensor.Zeros([3, 40, 80])) { Boxes = Tensor.From(new float[] { 0, 0, 40, 20 }, 1, 4), BoxLabels = Tensor.From(new long[] { 2 }, 1) };
        var small = new Sample(Tensor.Zeros([3, 20, 30]))
        {
            Boxes = Tensor.From(new float[] { 3, 4, 9, 10, 15, 0, 30, 20 }, 2, 4), BoxLabels = Tensor.From(new long[] { 0, 1 }, 2),
        };
        using var batch = PadCollate.Instance.Collate(0, [0, 1], [big, small]);
        Assert.Equal([2L, 3, 40, 80], batch.Images.Shape);

        var targets = DetrTargets.FromBatch(batch);
        Assert.Equal([0.25f, 0.25f, 0.5f, 0.5f], targets[0].Boxes.ToArray<float>());
        Assert.Equal([2L], targets[0].Labels.ToArray<long>());
        // (3 + 9) / 2 / 30, (4 + 10) / 2 / 20, 6 / 30, 6 / 20; then (15 + 30) / 2 / 30, 10 / 20, 15 / 30, 20 / 20.
        Assert.Equal([0.2f, 0.35f, 0.2f, 0.3f, 0.75f, 0.5f, 0.5f, 1f], targets[1].Boxes.ToArray<float>());
        Assert.Equal([0L, 1], targets[1].Labels.ToArray<long>());
    }

    [Fact]
    public void ABatchWithoutBoxesIsANamedError()
    {
        using var scope = TensorScope.Begin();
        using var batch = PadCollate.Instance.Collate(3, [7], [new Sample(Tensor.Zeros([3, 8, 8])) { Source = "cat.jpg" }]);
        var error = Assert.Throws<ArgumentException>(() => DetrTargets.FromBatch(batch));
        Assert.Contains("batch 3 has no boxes", error.Message);
        Assert.Contains("cat.jpg", error.Message);
    }
}
