using Osprey.Export.Onnx;
using Osprey.Models;
using Osprey.Models.Detection.Yolo;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Export;

/// <summary>
/// A graph exported with symbolic height and width (and batch), run by ONNX Runtime at a size other than the traced
/// one, equals Osprey's own output at that size within 1e-4 of the output's scale (Expect.Close), and onnx.checker
/// accepts it. The run sizes are the traced size plus multiples of the model's size step, H and W different.
/// </summary>
public class OnnxDynamicSizeTests
{
    static void ExportAndCompare(string name, ModelArgs args, long size, long runHeight, long runWidth, long runBatch = 1, bool dynamicBatch = false)
    {
        LibTorch.ManualSeed(7);
        using var model = ModelRegistry.Create(name, args);
        model.Eval();
        if (model is YoloModel yolo) yolo.Fuse();
        OnnxExportTests.RandomizeNorms(model);
        var options = new OnnxExportOptions
        {
            Channels = args.InChannels ?? 3, Height = size, Width = size, DynamicSize = true, DynamicBatch = dynamicBatch,
        };
        var file = OnnxExport.Export(model, options);

        using var scope = TensorScope.Begin();
        var input = Tensor.Randn([runBatch, options.Channels, runHeight, runWidth]);
        var expected = OnnxRun.Native(model, input);
        var actual = OnnxRun.Run(file, input);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, (values, shape)) in expected)
            Expect.Close(Tensor.From(values, shape), Tensor.From(actual[key].Values, actual[key].Shape), rtol: 1e-4, atol: 1e-6,
                         what: $"{name} {key} at {runBatch}x{runHeight}x{runWidth}");
        var check = OnnxRun.Check(file);
        if (check != null) Assert.True(check == "", $"onnx.checker rejected {name}: {check}");
    }

    [Fact] public void ResNet18() => ExportAndCompare("resnet18", new ModelArgs(10, 3, 32), 32, 64, 96);

    [Fact] public void SeResNet18() => ExportAndCompare("seresnet18", new ModelArgs(10, 3, 64), 64, 32, 96);

    [Fact] public void UNetPadded() => ExportAndCompare("unet", new ModelArgs(3, 3, 64), 64, 80, 48);

    [Fact] public void UNetValid() => ExportAndCompare("unet-valid", new ModelArgs(2, 1, 188), 188, 204, 220);

    [Fact] public void PSPNet() => ExportAndCompare("pspnet-r50", new ModelArgs(5, 3, 64), 64, 96, 64);

    [Fact] public void Yolo11n() => ExportAndCompare("yolo11n", new ModelArgs(4, 3, 64), 64, 96, 128);

    [Fact] public void Yolo11nBatchAndSize() => ExportAndCompare("yolo11n", new ModelArgs(4, 3, 64), 64, 128, 64, runBatch: 3, dynamicBatch: true);

    [Fact] public void Detr() => ExportAndCompare("detr-r50", new ModelArgs(5, 3, 64), 64, 96, 128);

    [Fact] public void DetrBatchAndSize() => ExportAndCompare("detr-r50", new ModelArgs(5, 3, 64), 64, 128, 96, runBatch: 2, dynamicBatch: true);
}
