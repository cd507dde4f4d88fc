using Osprey.Export.Onnx;
using Osprey.Models;
using Osprey.Models.Detection.Yolo;
using Osprey.Torch.Tests;
using Xunit.Abstractions;

namespace Osprey.Tests.Export;

/// <summary>
/// A half export (float16 weights, compute, input and outputs, as ultralytics exports half) run by ONNX Runtime on
/// the float16-rounded input equals Osprey's float32 output within 1e-2 of the output's scale (YOLO: boxes and class scores each) (Expect.Close): float16
/// keeps 11 significant bits (a relative rounding of 4.9e-4 per value), and the error grows over a network's depth.
/// The graph's input and outputs are float16, and onnx.checker accepts it.
/// </summary>
public class OnnxHalfTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-2;

    void ExportAndCompare(string name, ModelArgs args, long size, bool dynamic = false)
    {
        LibTorch.ManualSeed(7);
        using var model = ModelRegistry.Create(name, args);
        model.Eval();
        if (model is YoloModel yolo) yolo.Fuse();
        OnnxExportTests.RandomizeNorms(model);
        var options = new OnnxExportOptions
        {
            Channels = args.InChannels ?? 3, Height = size, Width = size, Half = true, DynamicBatch = dynamic, DynamicSize = dynamic,
        };
        var file = OnnxExport.Export(model, options);

        using var scope = TensorScope.Begin();
        var input = Tensor.Rand([1, options.Channels, size, size]);
        var expected = OnnxRun.Native(model, input);
        var actual = OnnxRun.RunHalf(file, input);
        foreach (var (key, (values, shape)) in expected)
        {
            var e = Tensor.From(values, shape);
            var a = Tensor.From(actual[key].Values, actual[key].Shape);
            double scale = e.Abs().Max().Item<double>();
            output.WriteLine($"{name} {key}: max |ORT fp16 - Osprey fp32| = {(a - e).Abs().Max().Item<double>() / scale:G3} of the scale {scale:G4}");
            Expect.Close(e, a, rtol: Tolerance, atol: 0, what: $"{name} {key} (half)");
            if (key == "output0")
                Expect.Close(e.Narrow(1, 4, shape[1] - 4), a.Narrow(1, 4, shape[1] - 4), rtol: Tolerance, atol: 0, what: $"{name} class scores (half)");
        }
        var check = OnnxRun.Check(file);
        if (check != null) Assert.True(check == "", $"onnx.checker rejected {name}: {check}");
    }

    [Fact] public void ResNet18() => ExportAndCompare("resnet18", new ModelArgs(10, 3, 32), 32);

    [Fact] public void UNet() => ExportAndCompare("unet", new ModelArgs(3, 3, 64), 64);

    [Fact] public void PSPNet() => ExportAndCompare("pspnet-r50", new ModelArgs(5, 3, 64), 64);

    [Fact] public void Yolo11nDynamic() => ExportAndCompare("yolo11n", new ModelArgs(4, 3, 64), 64, dynamic: true);

    [Fact] public void Detr() => ExportAndCompare("detr-r50", new ModelArgs(5, 3, 64), 64);
}
