// Inference timing for one model family: Osprey native (eval, YOLO fused; then the fast mode of val/predict) and
// ONNX Runtime on the file Osprey
// exports, with the same threads, shape and weights. Writes <out>/<family>.pt (the weights, for bench/inference_torch.py)
// and <out>/<family>.onnx, and prints one JSON line. See bench/inference.sh.
// Usage: dotnet bench/Inference/bin/Release/net10.0/Inference.dll FAMILY IMGSZ BATCH THREADS ITERS OUT_DIR
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Osprey.Data;
using Osprey.Export;
using Osprey.Export.Onnx;
using Osprey.Inference;
using Osprey.Models;
using Osprey.Models.Detection.Yolo;
using Osprey.Torch;
using Tensor = Osprey.Torch.Tensor;

if (args.Length != 6)
{
    Console.Error.WriteLine("usage: Inference FAMILY IMGSZ BATCH THREADS ITERS OUT_DIR");
    return 2;
}
var (family, size, batch, threads, iters, outDir) = (args[0], long.Parse(args[1]), long.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), args[5]);
Directory.CreateDirectory(outDir);
LibTorch.Threads = threads;
LibTorch.ManualSeed(0);
var entry = ModelRegistry.Get(family);
long channels = family == "unet-valid" ? 1 : 3;
using var model = ModelRegistry.Create(family, new ModelArgs(entry.DefaultClasses, channels, size));
model.Eval();
TorchExport.Export(model, Path.Combine(outDir, family + ".pt"));   // unfused: the reference architectures' layout
if (model is YoloModel yolo) yolo.Fuse();
var onnxPath = Path.Combine(outDir, family + ".onnx");
OnnxExport.Export(model, new OnnxExportOptions { Batch = batch, Channels = channels, Height = size, Width = size }, onnxPath);

using var scope = TensorScope.Begin();
var input = Tensor.Randn([batch, channels, size, size]);
double[] Time(Action run)
{
    for (int i = 0; i < Math.Max(2, iters / 5); i++) run();
    var times = new double[iters];
    for (int i = 0; i < iters; i++)
    {
        var clock = Stopwatch.StartNew();
        run();
        times[i] = clock.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return times;
}

void Forward()
{
    using var step = TensorScope.Begin();
    using var inference = Autograd.InferenceMode();
    ((IImageModel)model).Run(ImageBatch.FromTensor(input)).Dispose();
}
var osprey = Time(Forward);
// Then the default of osprey val / predict: every conv + BN folded, channels-last weights (in place, after the export).
InferencePreparation.Prepare(model, InferenceMode.Fast);
var fast = Time(Forward);

using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
using var session = new InferenceSession(onnxPath, options);
var feed = new DenseTensor<float>(input.ToArray<float>(), input.Shape.Select(d => (int)d).ToArray());
var inputs = new[] { NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, feed) };
var ort = Time(() => session.Run(inputs).Dispose());

Console.WriteLine(JsonSerializer.Serialize(new
{
    family, imgsz = size, batch, threads, iters,
    osprey_ms = osprey[iters / 2], osprey_min_ms = osprey[0],
    fast_ms = fast[iters / 2], fast_min_ms = fast[0],
    ort_ms = ort[iters / 2], ort_min_ms = ort[0],
}));
return 0;
