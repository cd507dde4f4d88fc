using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Osprey.Torch.Tensor;
using Osprey.Data;
using Osprey.Export.Onnx;
using Osprey.Models;
using Osprey.Torch.NN;

namespace Osprey.Tests.Export;

/// <summary>Runs an exported file with ONNX Runtime and the same model natively, and checks files with onnx.checker.</summary>
public static class OnnxRun
{
    /// <summary>Every named output of the file for <paramref name="input"/> (N, C, H, W float32).</summary>
    public static Dictionary<string, (float[] Values, long[] Shape)> Run(byte[] model, Tensor input)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var dims = input.Shape.Select(d => (int)d).ToArray();
        var tensor = new DenseTensor<float>(input.Contiguous().ToArray<float>(), dims);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, tensor)]);
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<float>();
            return (t.ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray());
        });
    }

    /// <summary>Runs a half export: <paramref name="input"/> rounded to float16, the float16 outputs read as float.</summary>
    public static Dictionary<string, (float[] Values, long[] Shape)> RunHalf(byte[] model, Tensor input)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var dims = input.Shape.Select(d => (int)d).ToArray();
        var half = input.Contiguous().ToArray<float>().Select(v => (Float16)v).ToArray();
        var tensor = new DenseTensor<Float16>(half, dims);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, tensor)]);
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<Float16>();
            return (t.ToArray().Select(v => (float)v).ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray());
        });
    }

    /// <summary>The model's own eval-mode outputs under the exported names.</summary>
    public static Dictionary<string, (float[] Values, long[] Shape)> Native(Module model, Tensor input)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        var output = ((IImageModel)model).Run(ImageBatch.FromTensor(input));
        var named = output switch
        {
            Osprey.Models.Classification.ClassificationOutput c => [("logits", c.Logits)],
            Osprey.Models.Segmentation.SegmentationOutput s => [("logits", s.Logits)],
            Osprey.Models.Detection.DetectionOutput d => [("output0", Tensor.Cat([d.Boxes!, d.Scores!], 1))],
            Osprey.Models.Detection.Detr.DetrOutput d => new List<(string, Tensor)> { ("pred_logits", d.Logits), ("pred_boxes", d.Boxes) },
            _ => throw new InvalidOperationException(output.GetType().Name),
        };
        return named.ToDictionary(n => n.Item1, n => (n.Item2.Contiguous().ToArray<float>(), n.Item2.Shape));
    }

    public static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]));
        return worst;
    }

    /// <summary>onnx.checker.check_model(full_check=True) on the file, with Debian's python3-onnx; null when it
    /// is not installed (scripts/setup.sh installs it), else the checker's error text ("" when accepted).</summary>
    public static string? Check(byte[] model)
    {
        if (!File.Exists("/usr/lib/python3/dist-packages/onnx/__init__.py")) return null;
        var path = Path.Combine(Path.GetTempPath(), $"osprey-onnx-check-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        try
        {
            var info = new ProcessStartInfo("/usr/bin/python3",
                ["-c", "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)", path])
                { RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? "" : error;
        }
        finally { File.Delete(path); }
    }
}
