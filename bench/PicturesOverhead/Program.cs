// The cost of a run's pictures on the main job (./run.sh's classification run): the same training run with and
// without RunPictures, alternating (ABBA order per pair, so drift on a shared machine falls on both), in one process
// after a warm-up run. Prints one JSON object per run and a summary line.
// usage: PicturesOverhead [--pairs 3] [--project DIR] [--fraction 0.1]
using System.Diagnostics;
using System.Text.Json;
using Osprey.Torch;
using Osprey.Training;
using Osprey.Training.Pictures;

var a = new Dictionary<string, string> { ["pairs"] = "3", ["project"] = Path.Combine(Path.GetTempPath(), "osprey-pictures-bench"), ["fraction"] = "0.1" };
for (int i = 0; i + 1 < args.Length; i += 2) a[args[i].TrimStart('-')] = args[i + 1];
if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is { } threads) LibTorch.Threads = int.Parse(threads);

TrainOptions Options(string name) => OptionsReader.Read(null,
[
    "task=classify", "model=seresnet18", "width=16", "data=fashion-mnist", "epochs=1", "batch=64", "lr0=0.05", "workers=1", "seed=0",
    $"fraction={a["fraction"]}", "label_smoothing=0.1", "warmup_epochs=0.2", "exist_ok=true", $"project={a["project"]}", $"name={name}",
]);

(double Wall, double Epoch, double Pictures, double Start, double EpochEnd, double End, Dictionary<string, double> Costs) Run(bool pictures)
{
    var drawn = new RunPictures(message => Console.Error.WriteLine(message));
    var epochs = new EpochClock();
    using var trainer = Trainer.Create(Options(pictures ? "with" : "without"), pictures ? [epochs, drawn] : [epochs]);
    var clock = Stopwatch.StartNew();
    trainer.Train();
    double wall = clock.Elapsed.TotalSeconds;
    if (drawn.Warnings.Count > 0) throw new InvalidOperationException(string.Join("; ", drawn.Warnings));
    double start = drawn.TrainStartCost.TotalSeconds, end = drawn.TrainEndCost.TotalSeconds, epochEnd = drawn.LastEpochEndCost.TotalSeconds;
    var costs = drawn.Costs.ToDictionary(c => c.Key, c => Math.Round(c.Value.TotalSeconds, 3));
    return pictures ? (wall, epochs.Seconds, start + epochEnd + end, start, epochEnd, end, costs) : (wall, epochs.Seconds, 0, 0, 0, 0, []);
}

var warm = Run(pictures: true); // warm-up: JIT, the dataset's first read, Skia and ScottPlot's first use
Console.WriteLine(JsonSerializer.Serialize(new { warmup = true, wall_s = Math.Round(warm.Wall, 3), pictures_s = Math.Round(warm.Pictures, 3), per_picture_s = warm.Costs }));
var with = new List<double>();
var without = new List<double>();
var cost = new List<double>();
int pairs = int.Parse(a["pairs"]);
for (int p = 0; p < pairs; p++)
    foreach (bool pictures in p % 2 == 0 ? new[] { true, false } : [false, true])
    {
        var r = Run(pictures);
        (pictures ? with : without).Add(r.Wall);
        if (pictures) cost.Add(r.Pictures);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            pictures, wall_s = Math.Round(r.Wall, 3), epoch_s = Math.Round(r.Epoch, 3), pictures_s = Math.Round(r.Pictures, 3),
            start_s = Math.Round(r.Start, 3), epoch_end_s = Math.Round(r.EpochEnd, 3), end_s = Math.Round(r.End, 3), per_picture_s = r.Costs,
        }));
    }
if (pairs == 0) return;
static double Median(List<double> v) { var s = v.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
Console.WriteLine($"median wall: with pictures {Median(with):F2} s, without {Median(without):F2} s, difference {100 * (Median(with) / Median(without) - 1):F2}%; " +
                  $"pictures' own time {Median(cost):F3} s = {100 * Median(cost) / Median(without):F2}% of the run without them");

/// <summary>The trainer's own epoch time (training and validation, without the callbacks' epoch end).</summary>
sealed class EpochClock : ITrainerCallback
{
    public double Seconds { get; private set; }
    public void OnEpochEnd(Trainer trainer, EpochSummary summary) => Seconds += summary.Duration.TotalSeconds;
}
