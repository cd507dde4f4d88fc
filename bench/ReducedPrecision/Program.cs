// Osprey's fp32 fast path, bf16 and int8 beside ONNX Runtime fp32 (all graph optimizations) on the same weights and
// input, in one process: ROUNDS rounds, each running every path for a block of 3 forwards after one untimed one (so
// ONNX Runtime's spinning threads, which keep polling after a run, do not land in the next path's timing); medians
// over all timed forwards.
// int8 is calibrated on 4 random-normal batches of the input's shape. Prints one JSON line.
// Usage: dotnet bench/ReducedPrecision/bin/Release/net10.0/ReducedPrecision.dll FAMILY IMGSZ BATCH THREADS ROUNDS OUT_DIR
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Osprey.Data;
using Osprey.Export.Onnx;
using Osprey.Inference;
using Osprey.Inference.Int8;
using Osprey.Models;
using Osprey.Models.Backbones;
using Osprey.Torch;
using Osprey.Torch.NN;
using Tensor = Osprey.Torch.Tensor;

if (args.Length != 6)
{
    Console.Error.WriteLine("usage: ReducedPrecision FAMILY IMGSZ BATCH THREADS ROUNDS OUT_DIR");
    return 2;
}
var (family, size, batch, threads, rounds, outDir) = (args[0], long.Parse(args[1]), long.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), args[5]);
Directory.CreateDirectory(outDir);
LibTorch.Threads = threads;
var entry = ModelRegistry.Get(family);
Module Build()
{
    LibTorch.ManualSeed(0);
    var m = ModelRegistry.Create(family, new ModelArgs(entry.DefaultClasses, 3, size));
    m.Eval();
    return m;
}
using var fast = Build();
var onnxPath = Path.Combine(outDir, family + ".onnx");
OnnxExport.Export(fast, new OnnxExportOptions { Batch = batch, Channels = 3, Height = size, Width = size }, onnxPath);
InferencePreparation.Prepare(fast, InferenceMode.Fast);
using var bf16 = Build();
InferencePreparation.Prepare(bf16, InferenceMode.Bf16);
using var scope = TensorScope.Begin();
LibTorch.ManualSeed(2);
var calibration = Enumerable.Range(0, 4).Select(_ => Tensor.Randn([batch, 3, size, size])).ToList();
using var int8 = Build() is ResNet resnet ? Int8ResNet.Quantize(resnet, calibration) : null;
LibTorch.ManualSeed(1);
var input = Tensor.Randn([batch, 3, size, size]);

using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
using var session = new InferenceSession(onnxPath, options);
var feed = new DenseTensor<float>(input.ToArray<float>(), input.Shape.Select(d => (int)d).ToArray());
var inputs = new[] { NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, feed) };

double Once(Action run)
{
    var clock = Stopwatch.StartNew();
    run();
    return clock.Elapsed.TotalMilliseconds;
}
Action Native(Module model) => () =>
{
    using var step = TensorScope.Begin();
    using var inference = Autograd.InferenceMode();
    ((IImageModel)model).Run(ImageBatch.FromTensor(input)).Dispose();
};
var paths = new List<(string Name, Action Run)> { ("fast", Native(fast)), ("bf16", Native(bf16)), ("ort", () => session.Run(inputs).Dispose()) };
if (int8 != null) paths.Add(("int8", Native(int8)));
foreach (var (_, run) in paths) { run(); run(); }
var times = paths.ToDictionary(p => p.Name, _ => new List<double>());
for (int r = 0; r < rounds; r++)
    foreach (var (name, run) in paths)
    {
        run();
        for (int k = 0; k < 3; k++) times[name].Add(Once(run));
    }
double Median(string name) => times[name].Order().ElementAt(times[name].Count / 2);
Console.WriteLine(JsonSerializer.Serialize(new
{
    family, imgsz = size, batch, threads, rounds,
    fast_ms = Median("fast"), bf16_ms = Median("bf16"), ort_ms = Median("ort"), int8_ms = int8 != null ? Median("int8") : (double?)null,
}));
return 0;
