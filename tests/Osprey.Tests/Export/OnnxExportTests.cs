using Osprey.Export.Onnx;
using Osprey.Models;
using Osprey.Models.Detection.Yolo;
using Osprey.Torch.NN;
using Xunit.Abstractions;

namespace Osprey.Tests.Export;

/// <summary>
/// Each family exported to ONNX and run by ONNX Runtime equals Osprey's own eval-mode output within 1e-4 (max abs,
/// float32) on random input, and onnx.checker accepts the file. Small inputs keep the tests light.
/// </summary>
public class OnnxExportTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-4;

    void ExportAndCompare(string name, ModelArgs args, long size, long batch = 1, bool dynamic = false, long? runBatch = null)
    {
        LibTorch.ManualSeed(7);
        using var model = ModelRegistry.Create(name, args);
        model.Eval();
        if (model is YoloModel yolo) yolo.Fuse();
        RandomizeNorms(model);
        var options = new OnnxExportOptions { Batch = batch, Channels = args.InChannels ?? 3, Height = size, Width = size, DynamicBatch = dynamic };
        var file = OnnxExport.Export(model, options);

        using var scope = TensorScope.Begin();
        var input = Tensor.Randn([runBatch ?? batch, options.Channels, size, size]);
        var expected = OnnxRun.Native(model, input);
        var actual = OnnxRun.Run(file, input);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, (values, shape)) in expected)
        {
            Assert.Equal(shape, actual[key].Shape);
            // Judged against the output's scale (the float32 policy): ORT and oneDNN order their sums differently per CPU.
            Expect.Close(Tensor.From(values), Tensor.From(actual[key].Values), rtol: Tolerance, atol: 1e-6, what: $"{name} {key}: ORT vs Osprey");
        }
        var check = OnnxRun.Check(file);
        if (check == null) output.WriteLine("python3-onnx is not installed (scripts/setup.sh installs it): onnx.checker not run");
        else Assert.True(check == "", $"onnx.checker rejected {name}: {check}");
    }

    /// <summary>BatchNorm statistics away from (0, 1), so eval-mode normalization is exercised.</summary>
    internal static void RandomizeNorms(Module model)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        foreach (var (name, buffer) in model.NamedBuffers())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) buffer.CopyFrom(Tensor.Randn(buffer.Shape).Mul(0.1));
            if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.CopyFrom(Tensor.Rand(buffer.Shape).Add(0.5));
        }
    }

    [Fact] public void ResNet18() => ExportAndCompare("resnet18", new ModelArgs(10, 3, 32), 32);

    [Fact] public void SeResNet18DynamicBatch() => ExportAndCompare("seresnet18", new ModelArgs(10, 3, 32), 32, batch: 1, dynamic: true, runBatch: 3);

    [Fact] public void UNetPadded() => ExportAndCompare("unet", new ModelArgs(3, 3, 64), 64);

    [Fact] public void UNetValid() => ExportAndCompare("unet-valid", new ModelArgs(2, 1, 188), 188);

    [Fact] public void PSPNet() => ExportAndCompare("pspnet-r50", new ModelArgs(5, 3, 65), 65);

    [Fact] public void Yolo11n() => ExportAndCompare("yolo11n", new ModelArgs(4, 3, 64), 64);

    [Fact] public void Yolo11nSeam() => ExportAndCompare("yolo11n-seam", new ModelArgs(4, 3, 64), 64);

    [Fact] public void Yolo11nMultiSeam() => ExportAndCompare("yolo11n-multiseam", new ModelArgs(4, 3, 224), 224);

    [Fact] public void Detr() => ExportAndCompare("detr-r50", new ModelArgs(5, 3, 64), 64);

    [Fact] public void UNetDynamicBatch() => ExportAndCompare("unet", new ModelArgs(3, 3, 64), 64, batch: 1, dynamic: true, runBatch: 2);

    [Fact] public void PSPNetDynamicBatch() => ExportAndCompare("pspnet-r50", new ModelArgs(5, 3, 65), 65, batch: 1, dynamic: true, runBatch: 2);

    [Fact] public void Yolo11nDynamicBatch() => ExportAndCompare("yolo11n", new ModelArgs(4, 3, 64), 64, batch: 1, dynamic: true, runBatch: 2);

    [Fact] public void DetrDynamicBatch() => ExportAndCompare("detr-r50", new ModelArgs(5, 3, 64), 64, batch: 1, dynamic: true, runBatch: 2);
}
