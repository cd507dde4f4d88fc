using System.Diagnostics;
using Osprey.Export;
using Osprey.Export.Onnx;
using Osprey.Models;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Export;

/// <summary>
/// A second reference for the exporter: the same weights written as a state dict, loaded strictly by Debian's
/// torch 1.13.1 into the reference architecture and exported by torch.onnx.export
/// (tools/reference/torch_onnx_reference.py, run at test time with /usr/bin/python3). ONNX Runtime gives the same
/// outputs for both files on the same input, within 1e-4 of the output's scale (Expect.Close).
/// </summary>
public class TorchOnnxReferenceTests
{
    static void Compare(string family, int classes, long size)
    {
        LibTorch.ManualSeed(7);
        using var model = ModelRegistry.Create(family, new ModelArgs(classes, 3, size));
        model.Eval();
        OnnxExportTests.RandomizeNorms(model);
        var dir = Directory.CreateTempSubdirectory("osprey-torch-onnx-");
        try
        {
            var weights = Path.Combine(dir.FullName, family + ".pt");
            TorchExport.Export(model, weights);   // before the export fuses YOLO: the reference keeps its BatchNorms
            var theirs = Path.Combine(dir.FullName, family + ".onnx");
            RunReference(family, classes, size, weights, theirs);
            var ours = OnnxExport.Export(model, new OnnxExportOptions { Height = size, Width = size });

            using var scope = TensorScope.Begin();
            var input = Tensor.Randn([1, 3, size, size]);
            var expected = OnnxRun.Run(File.ReadAllBytes(theirs), input);
            var actual = OnnxRun.Run(ours, input);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (key, (values, shape)) in expected)
                Expect.Close(Tensor.From(values, shape), Tensor.From(actual[key].Values, actual[key].Shape), rtol: 1e-4, atol: 1e-6,
                             what: $"{family} {key}: Osprey's ONNX vs torch.onnx.export's");
        }
        finally { dir.Delete(recursive: true); }
    }

    static void RunReference(string family, int classes, long size, string weights, string output)
    {
        var script = Path.Combine(ReferenceOutputs.RepositoryRoot, "tools", "reference", "torch_onnx_reference.py");
        var info = new ProcessStartInfo("/usr/bin/python3", [script, family, $"{classes}", $"{size}", weights, output])
            { RedirectStandardError = true, RedirectStandardOutput = true };
        info.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"torch_onnx_reference.py {family} failed: {error.Result}");
    }

    [Fact] public void ResNet18() => Compare("resnet18", 10, 96);   // above 64 px: torchvision's 7x7 stem

    [Fact] public void Yolo11n() => Compare("yolo11n", 80, 64);
}
