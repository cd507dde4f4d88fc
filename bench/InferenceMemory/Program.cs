// Resident memory of inference for one family, stage by stage: the process's VmRSS after start, after the model is
// built (random weights), after the plain forwards, after the fast mode's preparation and after its forwards, and the
// peak (VmHWM). Prints one JSON line; bench/inference_memory_torch.py is its PyTorch twin. See bench/inference_memory.sh.
// Usage: dotnet bench/InferenceMemory/bin/Release/net10.0/InferenceMemory.dll FAMILY IMGSZ BATCH THREADS ITERS MODE
//   MODE: plain | fast (InferencePreparation.Prepare(model, InferenceMode.Fast) before the forwards) | predict (fast, and
//         large buffers returned to the system: LibTorch.ReturnLargeBuffersToSystem, as osprey val / predict run)
using System.Text.Json;
using Osprey.Data;
using Osprey.Inference;
using Osprey.Models;
using Osprey.Torch;
using Tensor = Osprey.Torch.Tensor;

if (args.Length != 6)
{
    Console.Error.WriteLine("usage: InferenceMemory FAMILY IMGSZ BATCH THREADS ITERS plain|fast|predict");
    return 2;
}
var (family, size, batch, threads, iters, mode) = (args[0], long.Parse(args[1]), long.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), args[5]);
var stages = new Dictionary<string, double>();
void Mark(string stage) => stages[stage] = Status("VmRSS");
if (mode is not ("plain" or "fast" or "predict")) throw new ArgumentException($"MODE: plain, fast or predict, not {mode}");
if (mode == "predict") LibTorch.ReturnLargeBuffersToSystem();
LibTorch.Threads = threads;
LibTorch.ManualSeed(0);
Mark("start");
var entry = ModelRegistry.Get(family);
long channels = family == "unet-valid" ? 1 : 3;
using var model = ModelRegistry.Create(family, new ModelArgs(entry.DefaultClasses, channels, size));
model.Eval();
Mark("model");
if (mode != "plain")
{
    InferencePreparation.Prepare(model, InferenceMode.Fast);
    Mark("prepared");
}
using (var scope = TensorScope.Begin())
{
    var input = Tensor.Randn([batch, channels, size, size]);
    for (int i = 0; i < iters; i++)
    {
        using var step = TensorScope.Begin();
        using var inference = Autograd.InferenceMode();
        ((IImageModel)model).Run(ImageBatch.FromTensor(input)).Dispose();
        if (i == 0) Mark("first_forward");
    }
}
Mark("forwards");
Console.WriteLine(JsonSerializer.Serialize(new { family, imgsz = size, batch, threads, iters, mode, rss_mib = stages, peak_mib = Status("VmHWM") }));
return 0;

static double Status(string key)
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith(key + ":")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    throw new InvalidOperationException($"/proc/self/status has no {key}");
}
