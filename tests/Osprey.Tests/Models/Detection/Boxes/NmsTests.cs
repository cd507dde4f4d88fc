using System.Globalization;
using Osprey.Models.Detection.Boxes;

namespace Osprey.Tests.Models.Detection.Boxes;

/// <summary>
/// Kept indices, in order, equal to torchvision's nms / batched_nms (tools/reference/nms_reference.py): exact score
/// ties, IoU exactly at the threshold, both batched_nms paths (coordinate offsets up to 1000 boxes, per class above),
/// float64, empty input.
/// </summary>
public class NmsTests
{
    [Theory]
    [InlineData("integer")]
    [InlineData("at_threshold")]
    [InlineData("float")]
    [InlineData("double")]
    [InlineData("batched_offset")]
    [InlineData("batched_per_class")]
    [InlineData("empty")]
    public void KeptIndicesEqualTorchvision(string name)
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("detection/nms");
        double threshold = double.Parse(f.Metadata[$"{name}.threshold"], CultureInfo.InvariantCulture);
        var (boxes, scores) = (f[$"{name}.boxes"], f[$"{name}.scores"]);
        var keep = f.Tensors.TryGetValue($"{name}.classes", out var classes)
            ? Nms.Batched(boxes, scores, classes, threshold)
            : Nms.Apply(boxes, scores, threshold);
        Assert.Equal(DType.Int64, keep.DType);
        Assert.Equal(f[$"{name}.keep"].ToArray<long>(), keep.ToArray<long>());
    }

    [Fact]
    public void ExactThresholdIsKeptAndTiesKeepIndexOrder()
    {
        float[] boxes = [0, 0, 4, 1, 0, 0, 2, 1];   // IoU exactly 0.5
        Assert.Equal([0L, 1], Nms.Greedy(boxes, [0.9f, 0.9f], 0.5));
        Assert.Equal([0L], Nms.Greedy(boxes, [0.9f, 0.9f], 0.49));
        Assert.Equal([1L], Nms.Greedy(boxes, [0.5f, 0.9f], 0.49));
    }

    [Fact]
    public void BadInputIsRefused()
    {
        using var scope = TensorScope.Begin();
        var error = Assert.Throws<ArgumentException>(() => Nms.Apply(Tensor.Zeros([3, 5]), Tensor.Zeros([3]), 0.5));
        Assert.Contains("boxes must be (N, 4)", error.Message);
        error = Assert.Throws<ArgumentException>(() => Nms.Greedy(new float[8], [0.5f, float.NaN], 0.5));
        Assert.Contains("score 1 is NaN", error.Message);
        error = Assert.Throws<ArgumentException>(() => Nms.Batched(Tensor.Zeros([2, 4]), Tensor.Zeros([2]), Tensor.Zeros([2]), 0.5));
        Assert.Contains("class ids must be integers", error.Message);
    }

    [Fact]
    public void CappedGreedyIsThePrefixOfTheFullResult()
    {
        var random = new Random(11);
        var boxes = new float[4 * 500];
        var scores = new float[500];
        for (int i = 0; i < 500; i++)
        {
            float x = random.Next(0, 100), y = random.Next(0, 100);
            (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = (x, y, x + random.Next(5, 40), y + random.Next(5, 40));
            scores[i] = random.Next(0, 50) / 50f;   // many exact ties
        }
        var full = Nms.Greedy(boxes, scores, 0.5);
        Assert.True(full.Length > 40, $"only {full.Length} kept");
        foreach (int cap in new[] { 1, 7, 40, full.Length, full.Length + 10 })
            Assert.Equal(full.Take(cap), Nms.Greedy(boxes, scores, 0.5, cap));
    }
}
