// Osprey's inference modes side by side in one process: three copies of a family's model with the same weights, one
// plain (eval, BatchNorms apart, NCHW), one prepared by InferencePreparation's fast mode (folded, channels-last) and one
// by its bf16 mode (the fast path under bf16 autocast), timed in alternating forwards under inference mode. Writes
// <out>/<family>.pt (the plain weights, for bench/inference_modes_torch.py) and prints one JSON line with the medians
// and the largest output differences from plain. ResNet classifiers also run in int8 (Int8ResNet, calibrated on 4
// batches of the same random-normal distribution as the timed input).
// Usage: dotnet bench/InferenceModes/bin/Release/net10.0/InferenceModes.dll FAMILY IMGSZ BATCH THREADS ITERS OUT_DIR
using System.Diagnostics;
using System.Text.Json;
using Osprey.Data;
using Osprey.Export;
using Osprey.Inference;
using Osprey.Inference.Int8;
using Osprey.Models.Backbones;
using Osprey.Models;
using Osprey.Torch;
using Osprey.Torch.NN;

if (args.Length != 6)
{
    Console.Error.WriteLine("usage: InferenceModes FAMILY IMGSZ BATCH THREADS ITERS OUT_DIR");
    return 2;
}
var (family, size, batch, threads, iters, outDir) = (args[0], long.Parse(args[1]), long.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), args[5]);
Directory.CreateDirectory(outDir);
LibTorch.Threads = threads;
var entry = ModelRegistry.Get(family);
long channels = entry.DefaultInChannels;
Module Build()
{
    LibTorch.ManualSeed(0);
    var m = ModelRegistry.Create(family, new ModelArgs(entry.DefaultClasses, channels, size));
    m.Eval();
    return m;
}
using var plain = Build();
using var fast = Build();
using var bf16 = Build();
TorchExport.Export(plain, Path.Combine(outDir, family + ".pt"));
var report = InferencePreparation.Prepare(fast, InferenceMode.Fast);
InferencePreparation.Prepare(bf16, InferenceMode.Bf16);
Int8ResNet? int8 = null;
if (Build() is ResNet resnet)
{
    LibTorch.ManualSeed(2);
    var calibration = Enumerable.Range(0, 4).Select(_ => Tensor.Randn([batch, channels, size, size])).ToList();
    int8 = Int8ResNet.Quantize(resnet, calibration);
    foreach (var t in calibration) t.Dispose();
}
else Console.Error.WriteLine($"{family}: no int8 model (int8 covers the ResNet classifiers)");

using var scope = TensorScope.Begin();
LibTorch.ManualSeed(1);
var input = Tensor.Randn([batch, channels, size, size]);
double Forward(Module model)
{
    using var step = TensorScope.Begin();
    using var inference = Autograd.InferenceMode();
    var clock = Stopwatch.StartNew();
    ((IImageModel)model).Run(ImageBatch.FromTensor(input)).Dispose();
    return clock.Elapsed.TotalMilliseconds;
}
double difference, bf16Difference, scale, int8Difference = double.NaN;
using (Autograd.InferenceMode())
using (var a = ((IImageModel)plain).Run(ImageBatch.FromTensor(input)))
using (var b = ((IImageModel)fast).Run(ImageBatch.FromTensor(input)))
using (var c = ((IImageModel)bf16).Run(ImageBatch.FromTensor(input)))
{
    var (x, y, z) = (a.Tensors().First(), b.Tensors().First(), c.Tensors().First());
    difference = (x - y).Abs().Max().Item<float>();
    bf16Difference = (x - z).Abs().Max().Item<float>();
    scale = x.Abs().Max().Item<float>();
    if (int8 != null)
        using (var d = ((IImageModel)int8).Run(ImageBatch.FromTensor(input)))
            int8Difference = (x - d.Tensors().First()).Abs().Max().Item<float>();
}
for (int i = 0; i < Math.Max(1, iters / 5); i++)
{
    Forward(plain);
    Forward(fast);
    Forward(bf16);
    if (int8 != null) Forward(int8);
}
var (plainMs, fastMs, bf16Ms, int8Ms) = (new double[iters], new double[iters], new double[iters], new double[iters]);
for (int i = 0; i < iters; i++)
{
    plainMs[i] = Forward(plain);
    fastMs[i] = Forward(fast);
    bf16Ms[i] = Forward(bf16);
    int8Ms[i] = int8 != null ? Forward(int8) : double.NaN;
}
foreach (var times in new[] { plainMs, fastMs, bf16Ms, int8Ms }) Array.Sort(times);
int8?.Dispose();
Console.WriteLine(JsonSerializer.Serialize(new
{
    family, imgsz = size, batch, threads, iters,
    plain_ms = plainMs[iters / 2], fast_ms = fastMs[iters / 2], bf16_ms = bf16Ms[iters / 2],
    int8_ms = int8 != null ? int8Ms[iters / 2] : (double?)null, int8_max_abs_difference = int8 != null ? int8Difference : (double?)null,
    folded = report.FoldedBatchNorms, parameters_plain = report.ParametersBefore, parameters_fast = report.ParametersAfter,
    max_abs_difference = difference, bf16_max_abs_difference = bf16Difference, output_scale = scale,
}));
return 0;
