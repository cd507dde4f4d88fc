using Osprey.Data;
using Osprey.Inference;
using Osprey.Models;
using Osprey.Torch.NN;

namespace Osprey.Tests.Inference;

/// <summary>
/// The fast inference path (every conv + BatchNorm folded, channels-last weights) gives the plain eval path's outputs
/// within 1e-4 of their scale on every family, with random BatchNorm statistics and affines so that folding is not an
/// identity; every foldable norm is gone afterwards and the parameter count is the one torch.fx's fuse gives.
/// </summary>
public class InferencePreparationTests
{
    const double Tolerance = 1e-4;

    static void RandomizeNorms(Module model)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        foreach (var (name, tensor) in model.NamedBuffers().Concat(model.NamedParameters()))
        {
            if (!OwnedByNorm(model, name)) continue;
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) tensor.CopyFrom(Tensor.Randn(tensor.Shape).Mul(0.1));
            else if (name.EndsWith("running_var", StringComparison.Ordinal)) tensor.CopyFrom(Tensor.Rand(tensor.Shape).Add(0.5));
            else if (name.EndsWith("weight", StringComparison.Ordinal)) tensor.CopyFrom(Tensor.Rand(tensor.Shape).Add(0.5));
            else if (name.EndsWith("bias", StringComparison.Ordinal)) tensor.CopyFrom(Tensor.Randn(tensor.Shape).Mul(0.1));
        }
    }

    static bool OwnedByNorm(Module model, string tensorName)
    {
        var dot = tensorName.LastIndexOf('.');
        return dot > 0 && model.GetModule(tensorName[..dot]) is BatchNorm2d or FrozenBatchNorm2d;
    }

    static int Norms(Module model) => model.Modules().Count(m => m is BatchNorm2d or FrozenBatchNorm2d);

    /// <param name="unfoldable">BatchNorms that follow an activation, not a convolution (SEAM's), and so stay</param>
    [Theory]
    [InlineData("resnet18", 10, 3, 32, 0)]
    [InlineData("seresnet50", 10, 3, 32, 0)]
    [InlineData("unet", 3, 3, 64, 0)]
    [InlineData("unet-valid", 2, 1, 188, 0)]
    [InlineData("pspnet-r18", 5, 3, 65, 0)]
    [InlineData("detr-r18-light", 5, 3, 64, 0)]
    [InlineData("yolo11n", 4, 3, 64, 0)]
    [InlineData("yolo11n-multiseam", 4, 3, 224, 54)]
    public void FastPathEqualsPlainPath(string name, long classes, long channels, long size, int unfoldable)
    {
        LibTorch.ManualSeed(3);
        long before = Tensor.LiveCount;
        using (var model = ModelRegistry.Create(name, new ModelArgs(classes, channels, size)))
        {
            model.Eval();
            RandomizeNorms(model);
            int norms = Norms(model);
            using var scope = TensorScope.Begin();
            var input = Tensor.Randn([2, channels, size, size]);
            var image = (IImageModel)model;
            var expected = ModelOutputs.Detached(model, input);

            var report = InferencePreparation.Prepare(model, InferenceMode.Fast);
            Assert.Equal(norms - unfoldable, report.FoldedBatchNorms);
            Assert.Equal(unfoldable, Norms(model));
            Assert.All(model.Parameters().Where(p => p.Dim == 4), w => Assert.True(w.IsContiguous(MemoryFormat.ChannelsLast)));

            using (Autograd.InferenceMode())
            using (var batch = ImageBatch.FromTensor(input))
            using (var fast = image.Run(batch))
            {
                var actual = fast.Tensors().ToArray();
                Assert.Equal(expected.Length, actual.Length);
                for (int k = 0; k < expected.Length; k++) Expect.Close(expected[k], actual[k], Tolerance, 1e-6, $"{name} output {k}");
            }
            foreach (var t in expected) t.Dispose();
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void FoldedResNetHasTorchFxFusedParameterCounts()
    {
        // torch.fx.experimental.optimization.fuse on torchvision's resnet18 / resnet50 (torch 1.13.1): 11,689,512 -> 11,684,712
        // and 25,557,032 -> 25,530,472 parameters.
        foreach (var (name, plain, fused) in new[] { ("resnet18", 11_689_512L, 11_684_712L), ("resnet50", 25_557_032L, 25_530_472L) })
        {
            using var model = ModelRegistry.Create(name);
            var report = InferencePreparation.Prepare(model, InferenceMode.Fast);
            Assert.Equal((plain, fused), (report.ParametersBefore, report.ParametersAfter));
            Assert.DoesNotContain(model.StateDictKeys(), k => k.Contains("bn") || k.Contains("running"));
        }
    }

    [Fact]
    public void FoldingRefusesATrainingModel()
    {
        using var model = ModelRegistry.Create("resnet18", new ModelArgs(10, 3, 32));
        model.Train();
        var error = Assert.Throws<InvalidOperationException>(() => model.FoldBatchNorms());
        Assert.Contains("training mode", error.Message);
    }

    [Fact]
    public void PlainModeChangesNothing()
    {
        using var model = ModelRegistry.Create("resnet18", new ModelArgs(10, 3, 32));
        var keys = model.StateDictKeys().ToList();
        var report = InferencePreparation.Prepare(model, InferenceMode.Plain);
        Assert.Equal((0, false), (report.FoldedBatchNorms, report.ChannelsLast));
        Assert.Equal(keys, model.StateDictKeys());
        Assert.True(model.GetParameter("conv1.weight")!.IsContiguous(MemoryFormat.Contiguous));
    }
}
