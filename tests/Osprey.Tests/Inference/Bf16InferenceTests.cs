using Osprey.Data;
using Osprey.Inference;
using Osprey.Models;
using Osprey.Torch.NN;

namespace Osprey.Tests.Inference;

/// <summary>
/// The bf16 inference mode (the fast path under bf16 CPU autocast) on every family: float32 outputs of the plain path's
/// shapes, within 3% of the output's scale of the plain path (bf16 keeps 8 bits of mantissa; the measured gaps on the
/// full-size models are 0.04-0.6%, bench/RESULTS.md), and not equal to it to float32 rounding, which would mean the
/// convolutions did not run in bf16. Small inputs: on CPUs without oneDNN's bf16 kernels ATen's slow ones run.
/// </summary>
public class Bf16InferenceTests
{
    const double ScaleTolerance = 3e-2;

    [Theory]
    [InlineData("resnet18", 10, 3, 32)]
    [InlineData("seresnet50", 10, 3, 32)]
    [InlineData("unet", 3, 3, 64)]
    [InlineData("pspnet-r18", 5, 3, 65)]
    [InlineData("detr-r18-light", 5, 3, 64)]
    [InlineData("yolo11n", 4, 3, 64)]
    [InlineData("yolo11n-multiseam", 4, 3, 224)]
    public void Bf16PathIsThePlainPathToBf16Precision(string name, long classes, long channels, long size)
    {
        LibTorch.ManualSeed(5);
        long before = Tensor.LiveCount;
        using (var model = ModelRegistry.Create(name, new ModelArgs(classes, channels, size)))
        {
            model.Eval();
            using var scope = TensorScope.Begin();
            var input = Tensor.Randn([2, channels, size, size]);
            var image = (IImageModel)model;
            var expected = ModelOutputs.Detached(model, input);

            var report = InferencePreparation.Prepare(model, InferenceMode.Bf16);
            Assert.StartsWith("inference: bf16 autocast over the fast path", report.Describe());
            Assert.All(model.Parameters(), p => Assert.Equal(DType.Float32, p.DType));   // weights keep float32 storage

            using (Autograd.InferenceMode())
            using (var batch = ImageBatch.FromTensor(input))
            using (var bf16 = image.Run(batch))
            {
                var actual = bf16.Tensors().ToArray();
                Assert.Equal(expected.Length, actual.Length);
                double largestGap = 0;
                for (int k = 0; k < expected.Length; k++)
                {
                    Assert.Equal(expected[k].Shape, actual[k].Shape);
                    Assert.Equal(expected[k].DType, actual[k].DType);
                    if (!expected[k].DType.IsFloatingPoint()) continue;
                    double scale = Math.Max(expected[k].Abs().Max().Item<float>(), 1e-3);
                    double gap = (expected[k] - actual[k]).Abs().Max().Item<float>() / scale;
                    Assert.True(gap <= ScaleTolerance, $"{name} output {k}: bf16 differs by {gap:P2} of the output scale {scale:G3}");
                    largestGap = Math.Max(largestGap, gap);
                }
                Assert.True(largestGap > 1e-5, $"{name}: bf16 outputs equal float32's to {largestGap:G2} of scale: autocast did not run");
            }
            foreach (var t in expected) t.Dispose();
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void TheRegionEndsWithTheForward()
    {
        using var model = ModelRegistry.Create("resnet18", new ModelArgs(10, 3, 32));
        InferencePreparation.Prepare(model, InferenceMode.Bf16);
        using var scope = TensorScope.Begin();
        using (Autograd.InferenceMode()) ((IImageModel)model).Run(ImageBatch.FromTensor(Tensor.Randn([1, 3, 32, 32]))).Dispose();
        var after = Functional.Conv2d(Tensor.Randn([1, 3, 4, 4]), Tensor.Randn([2, 3, 3, 3]), null, stride: 1, padding: 1);
        Assert.Equal(DType.Float32, after.DType);
    }
}
