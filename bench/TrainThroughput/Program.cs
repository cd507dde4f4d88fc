// Osprey side of the Fashion-MNIST training-throughput comparison (bench/fashion_mnist_torch.py is the PyTorch side):
// the Trainer's step (forward, label-smoothed cross-entropy, zero_grad, backward, SGD with decay/no-decay groups,
// schedule step) on random batches, timed after warm-up steps. Data loading is not what this measures.
// usage: TrainThroughput [--width 64] [--batch 128] [--imgsz 28] [--threads N] [--steps 20] [--warmup 3]
using System.Diagnostics;
using Osprey.Models;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Torch.Optim;
using Osprey.Training;

var a = new Dictionary<string, int> { ["width"] = 64, ["batch"] = 128, ["imgsz"] = 28, ["threads"] = 2, ["steps"] = 20, ["warmup"] = 3 };
for (int i = 0; i + 1 < args.Length; i += 2) a[args[i].TrimStart('-')] = int.Parse(args[i + 1]);
LibTorch.Threads = a["threads"];
LibTorch.ManualSeed(0);
using var model = ModelRegistry.Create("seresnet18", new ModelArgs(10, 1, a["width"], SmallStem: true));
model.Train();
var options = new TrainOptions { Lr0 = 0.05, Momentum = 0.9, Nesterov = true, WeightDecay = 5e-4, LabelSmoothing = 0.1 };
using var optimizer = ParameterGroups.CreateOptimizer(model, options);
var scheduler = new LrScheduler(optimizer, new CosineSchedule(10_000));
using var x = Tensor.Randn([a["batch"], 1, a["imgsz"], a["imgsz"]]).DetachFromScope();
using var y = Tensor.Randint(0, 10, [a["batch"]]).DetachFromScope();
var clock = new Stopwatch();
for (int i = 0; i < a["warmup"] + a["steps"]; i++)
{
    if (i == a["warmup"]) clock.Start();
    using var scope = TensorScope.Begin();
    var loss = Functional.CrossEntropy(((Module<Tensor, Tensor>)model).Call(x), y, labelSmoothing: 0.1);
    loss.Item<float>();
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
    scheduler.Step();
}
double seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"osprey seresnet18 width {a["width"]} batch {a["batch"]} imgsz {a["imgsz"]} threads {a["threads"]}: " +
                  $"{a["steps"] * a["batch"] / seconds:F1} images/s ({seconds / a["steps"] * 1000:F0} ms/step)");
