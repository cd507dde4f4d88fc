using Osprey.Models.Detection.Detr;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>Hand-computed post-processing: softmax over all classes, the no-object class never a label, boxes
/// converted to corners and scaled by each image's own (width, height).</summary>
public class DetrPostProcessTests
{
    [Fact]
    public void ScoresLabelsAndPixelBoxesPerImage()
    {
        using var scope = TensorScope.Begin();
        // Two images, one query each, classes {0, 1} + no-object; image 1's query is most likely no-object.
        var logits = Tensor.From(new[] { 0f, 2, 1, 1, 0, 3 }, 2, 1, 3);
        var boxes = Tensor.From(new[] { 0.5f, 0.5f, 0.2f, 0.4f, 0.25f, 0.75f, 0.5f, 0.5f }, 2, 1, 4);
        using var output = new DetrOutput(logits, boxes, []);
        var detections = DetrPostProcess.Run(output, [(100, 200), (40, 10)]);

        double z0 = 1 + Math.Exp(2) + Math.Exp(1), z1 = Math.Exp(1) + 1 + Math.Exp(3);
        Assert.Equal(Math.Exp(2) / z0, detections[0].Scores.Item<float>(), 6);
        Assert.Equal(1L, detections[0].Labels.Item<long>());
        Assert.Equal(Math.Exp(1) / z1, detections[1].Scores.Item<float>(), 6);
        Assert.Equal(0L, detections[1].Labels.Item<long>());
        // (cx, cy, w, h) = (0.5, 0.5, 0.2, 0.4) on 200 x 100 px -> (80, 30, 120, 70).
        AssertClose([80, 30, 120, 70], detections[0].Boxes.ToArray<float>());
        // (0.25, 0.75, 0.5, 0.5) on 10 x 40 px -> (0, 20, 5, 40).
        AssertClose([0, 20, 5, 40], detections[1].Boxes.ToArray<float>());
    }

    static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], tolerance: 1e-4);
    }

    [Fact]
    public void SizeCountMustMatchTheBatch()
    {
        using var scope = TensorScope.Begin();
        using var output = new DetrOutput(Tensor.Zeros([2, 3, 4]), Tensor.Zeros([2, 3, 4]), []);
        var error = Assert.Throws<ArgumentException>(() => DetrPostProcess.Run(output, [(10, 10)]));
        Assert.Contains("1 image sizes for a batch of 2", error.Message);
    }
}
