using Osprey.Data;
using Osprey.Inference;
using Osprey.Inference.Int8;
using Osprey.Models;
using Osprey.Models.Backbones;

namespace Osprey.Tests.Inference;

/// <summary>
/// Int8 post-training quantization of the ResNet family: logits close to the float model's (int8's rounding of every
/// activation: within 10% of the logit scale here, and the same top-1 class on most images), quantized tensors inside,
/// packed weights freed with the model, and a backbone refused.
/// </summary>
public class Int8ResNetTests
{
    static List<Tensor> Batches(int count, long size)
    {
        LibTorch.ManualSeed(11);
        return Enumerable.Range(0, count).Select(_ => Tensor.Randn([4, 3, size, size]).DetachFromScope()).ToList();
    }

    [Theory]
    [InlineData("resnet18", 32)]
    [InlineData("resnet50", 32)]
    [InlineData("seresnet50", 32)]
    public void Int8LogitsFollowTheFloatModel(string name, long size)
    {
        long before = Tensor.LiveCount;
        var calibration = Batches(3, size);
        LibTorch.ManualSeed(2);
        var model = (ResNet)ModelRegistry.Create(name, new ModelArgs(10, 3, size));
        model.Eval();
        using var scope = TensorScope.Begin();
        var test = Tensor.Randn([16, 3, size, size]);
        Tensor expected;
        using (Autograd.InferenceMode()) expected = model.Call(test).Clone();

        using (var int8 = Int8ResNet.Quantize(model, calibration))
        {
            Tensor actual;
            using (Autograd.InferenceMode()) actual = ((IImageModel)int8).Run(ImageBatch.FromTensor(test)).Tensors().Single();
            Assert.Equal(DType.Float32, actual.DType);
            Assert.Equal(expected.Shape, actual.Shape);
            double scale = expected.Abs().Max().Item<float>();
            double gap = (expected - actual).Abs().Max().Item<float>();
            Assert.True(gap <= 0.1 * scale, $"{name}: int8 logits differ by {gap:G3}, scale {scale:G3}");
            Assert.True(gap > 1e-4 * scale, $"{name}: int8 logits equal float's: quantization did not run");
            long agree = expected.ArgMax(1).Eq(actual.ArgMax(1)).Sum().Item<long>();
            Assert.True(agree >= 12, $"{name}: top-1 agrees on {agree} of 16 images");
            Assert.Equal("onednn", QuantizedEngine.Current);
        }
        foreach (var t in calibration) t.Dispose();
        scope.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
    }

    /// <summary>The same folded weights and calibration batches through PyTorch's FX post-training quantization with the
    /// same scheme (tools/reference/int8_resnet_reference.py): Osprey's int8 logits are PyTorch's within a third of how far
    /// int8 is from float (measured: a quarter; the quantization parameters agree to 7-8 digits, and the calibration's
    /// float convolutions, channels-last here and NCHW there, differ in last bits, which flips a few roundings). The
    /// folded weights are torch.fx's: Osprey folds in ultralytics' operation order, whose last-bit differences would
    /// flip more.</summary>
    [Fact]
    public void Int8ResNetEqualsPyTorchFxQuantization()
    {
        var (reference, _) = Osprey.Torch.Serialization.SafeTensors.Load(
            Path.Combine(ReferenceOutputs.Folder("int8_resnet_reference.py"), "int8_resnet.safetensors"));
        using var scope = TensorScope.Begin();
        var model = (ResNet)ModelRegistry.Create("resnet18", new ModelArgs(10, 3, 64).With("width", "8").With("small_stem", "false"));
        var weights = reference.Where(p => p.Key.StartsWith("weights.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key["weights.".Length..], p => p.Value);
        model.LoadStateDict(weights, strict: false);
        model.Eval();
        var input = reference["input"];
        using (Autograd.InferenceMode()) Expect.Close(reference["float"], model.Call(input), 1e-4, 1e-5, "float logits");
        InferencePreparation.Prepare(model, InferenceMode.Fast);
        using (Autograd.NoGrad())
            foreach (var (name, tensor) in model.NamedParameters().Where(p => p.Name != "fc.weight" && p.Name != "fc.bias"))
                tensor.CopyFrom(reference["folded." + name]);
        var calibration = Enumerable.Range(0, 3).Select(i => reference[$"calibration.{i}"]).ToList();
        using var int8 = Int8ResNet.Quantize(model, calibration);
        Assert.Equal(12, int8.CalibrationImages);
        Tensor actual;
        using (Autograd.InferenceMode()) actual = int8.Call(input);
        var (expected, full) = (reference["int8"], reference["float"]);
        double quantizationGap = (expected - full).Abs().Max().Item<float>();
        double gap = (expected - actual).Abs().Max().Item<float>();
        Assert.True(gap <= quantizationGap / 3, $"Osprey int8 differs from PyTorch's by {gap:G3}; int8 from float: {quantizationGap:G3}");
    }

    [Fact]
    public void ABackboneIsRefused()
    {
        using var backbone = new ResNet(new ResNetOptions { Depth = 18, NumClasses = null, Width = 8 });
        Assert.Contains("backbone", Assert.Throws<ArgumentException>(() => Int8ResNet.Quantize(backbone, [])).Message);
    }

    [Fact]
    public void OnlyResNetClassifiersAndOnlyWithCalibration()
    {
        using var unet = ModelRegistry.Create("unet", new ModelArgs(3, 3, 64));
        var error = Assert.Throws<ArgumentException>(() => InferencePreparation.QuantizeInt8(unet, []));
        Assert.Contains("int8 covers the ResNet and SE-ResNet classifiers; this model is a UNet", error.Message);
        Assert.Contains("needs calibration batches", Assert.Throws<ArgumentException>(() => InferencePreparation.Prepare(unet, InferenceMode.Int8)).Message);
    }

    [Fact]
    public void CalibrationNeedsABatch()
    {
        var model = (ResNet)ModelRegistry.Create("resnet18", new ModelArgs(10, 3, 32));
        model.Eval();
        try
        {
            Assert.Contains("at least one batch", Assert.Throws<ArgumentException>(() => Int8ResNet.Quantize(model, [])).Message);
        }
        finally { model.Dispose(); }
    }
}
