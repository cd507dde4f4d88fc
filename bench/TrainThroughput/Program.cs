// Osprey side of the Fashion-MNIST training-throughput comparison (bench/fashion_mnist_torch.py is the PyTorch side):
// the Trainer's step (forward, label-smoothed cross-entropy, zero_grad, backward, SGD with decay/no-decay groups,
// schedule step) on random batches, timed after warm-up steps. Data loading is not what this measures.
// With --model (a registered classifier at its own width, 3-channel input, 1000 classes) and --amp 1 (the Trainer's amp:
// forward and loss under bf16 autocast) it times the ImageNet-shaped step of bench/train_amp_torch.py.
// usage: TrainThroughput [--width 64] [--batch 128] [--imgsz 28] [--threads N] [--steps 20] [--warmup 3] [--model NAME] [--amp 0|1]
using System.Diagnostics;
using Osprey.Models;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Torch.Optim;
using Osprey.Training;

var a = new Dictionary<string, int> { ["width"] = 64, ["batch"] = 128, ["imgsz"] = 28, ["threads"] = 2, ["steps"] = 20, ["warmup"] = 3, ["amp"] = 0 };
string? name = null;
for (int i = 0; i + 1 < args.Length; i += 2)
    if (args[i] == "--model") name = args[i + 1];
    else a[args[i].TrimStart('-')] = int.Parse(args[i + 1]);
LibTorch.Threads = a["threads"];
LibTorch.ManualSeed(0);
var (classes, channels) = name == null ? (10L, 1L) : (1000L, 3L);
using var model = name == null
    ? ModelRegistry.Create("seresnet18", new ModelArgs(10, 1, a["imgsz"]).With("width", a["width"].ToString()).With("small_stem", "true"))
    : ModelRegistry.Create(name, new ModelArgs(classes, channels, a["imgsz"]));
model.Train();
var options = new TrainOptions { Lr0 = 0.05, Momentum = 0.9, Nesterov = true, WeightDecay = 5e-4, LabelSmoothing = 0.1 };
using var optimizer = ParameterGroups.CreateOptimizer(model, options);
var scheduler = new LrScheduler(optimizer, new CosineSchedule(10_000));
using var x = Tensor.Randn([a["batch"], channels, a["imgsz"], a["imgsz"]]).DetachFromScope();
using var y = Tensor.Randint(0, classes, [a["batch"]]).DetachFromScope();
var clock = new Stopwatch();
for (int i = 0; i < a["warmup"] + a["steps"]; i++)
{
    if (i == a["warmup"]) clock.Start();
    using var scope = TensorScope.Begin();
    Tensor loss;
    using (a["amp"] == 1 ? Autocast.Cpu(DType.BFloat16) : null)
        loss = Functional.CrossEntropy(((Module<Tensor, Tensor>)model).Call(x), y, labelSmoothing: 0.1);
    loss.Item<float>();
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
    scheduler.Step();
}
double seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"osprey {name ?? "seresnet18"} width {(name == null ? a["width"] : "default")} amp {a["amp"]} batch {a["batch"]} imgsz {a["imgsz"]} threads {a["threads"]}: " +
                  $"{a["steps"] * a["batch"] / seconds:F1} images/s ({seconds / a["steps"] * 1000:F0} ms/step)");
