using System.CommandLine;
using Osprey.Torch.Distributed;
using Osprey.Training;
using Osprey.Training.Distributed;
using Osprey.Training.Pictures;

namespace Osprey.Cli.Commands;

/// <summary>
/// <c>osprey train</c>: options come from the defaults, then <c>--cfg</c> (a YAML file), then the named flags, then
/// <c>--set key=value</c> (any option, e.g. <c>--set ema=true</c>). <c>--resume</c> continues a run with its saved options.
/// Without any argument it runs <see cref="Quickstart"/>, a demonstration of a few minutes, and says so.
/// </summary>
public static class TrainCommand
{
    /// <summary>What a bare <c>osprey train</c> runs (as ./run.sh): SE-ResNet-18 at width 16 for one epoch on a fixed 10% of
    /// Fashion-MNIST, about a minute on 2 cores, instead of the defaults' 10 epochs of all 60,000 images at width 64.</summary>
    public static IReadOnlyList<string> Quickstart { get; } =
    [
        "task=classify", "model=seresnet18", "width=16", "data=fashion-mnist", "epochs=1", "batch=64", "lr0=0.05", "workers=1",
        "seed=0", "fraction=0.1", "label_smoothing=0.1", "warmup_epochs=0.2",
    ];

    const string QuickstartNotice =
        "osprey train: no options given, so a short demonstration run (a few minutes on a small CPU): seresnet18 at width 16, " +
        "1 epoch on 10% of Fashion-MNIST.\n  The full recipe (10 epochs on all 60,000 images at width 64; hours on a CPU): " +
        "osprey train --data fashion-mnist. Every option: osprey cfg.";

    public static Command Create()
    {
        var task = new Option<string?>("--task") { Description = "classify, segment or detect" + TrainingKeys.Default("task") };
        var model = new Option<string?>("--model") { Description = "a registered model, e.g. seresnet18 (see osprey info)" + TrainingKeys.Default("model") };
        var data = new Option<string?>("--data") { Description = "classify: fashion-mnist, mnist:<dir> or a folder with train/ and val/ class folders; segment and detect: fashion-scenes, a dataset YAML, a COCO instances_train*.json, or a VOC/ADE20K/Cityscapes folder (segment)" + TrainingKeys.Default("data") };
        var epochs = new Option<int?>("--epochs") { Description = "training epochs" + TrainingKeys.Default("epochs") };
        var batch = new Option<int?>("--batch") { Description = "batch size" + TrainingKeys.Default("batch") };
        var imgsz = new Option<int?>("--imgsz") { Description = "input side in pixels [default: the dataset's, 28 for Fashion-MNIST; else the model's]" };
        var lr = new Option<double?>("--lr") { Description = "initial learning rate (lr0) [default: the task's: classify 0.05 with sgd, 0.001 with adamw; segment 0.01; detect 0.01 (YOLO), 1e-4 (DETR)]" };
        var optimizer = new Option<string?>("--optimizer") { Description = "sgd, adamw, or auto (detect/YOLO: ultralytics' rule)" + TrainingKeys.Default("optimizer") };
        var workers = new Option<int?>("--workers") { Description = "data-loading threads" + TrainingKeys.Default("workers") };
        var seed = new Option<int?>("--seed") { Description = "random seed (shuffle, augmentation, initialization)" + TrainingKeys.Default("seed") };
        var name = new Option<string?>("--name") { Description = "run folder name under runs/<task>/ [default: train, train2, ... the first free one]" };
        var weights = new Option<string?>("--weights") { Description = "start from these weights (fine-tuning): .ckpt, .safetensors or a torch.save .pt/.pth" };
        var width = new Option<int?>("--width") { Description = "ResNet base channels (64 = the paper's) [default: the model's, 64]" };
        var cfg = new Option<string?>("--cfg") { Description = "a YAML file of options (keys as in args.yaml)" };
        var set = new Option<string[]>("--set")
        {
            Description = "key=value for any training or model option (repeatable; also accepted bare: epochs=3). Every key, its type and default: osprey cfg",
            AllowMultipleArgumentsPerToken = true,
        };
        var resume = new Option<string?>("--resume") { Description = "a run's last.ckpt (or its folder): continue it exactly" };
        var device = DeviceOption.Create();
        var command = new Command("train",
            "Train a model; writes runs/<task>/<name>/ (args.yaml, results.csv, last.ckpt, best.ckpt). Options come from the task's defaults, " +
            "then --cfg, then the flags, then --set key=value (or bare key=value). Every option: osprey cfg. Ctrl-C once stops after the " +
            "current epoch (its checkpoint written), twice stops at once (the last checkpoint intact); both exit 130.")
        {
            task, model, data, epochs, batch, imgsz, lr, optimizer, workers, seed, name, weights, width, cfg, set, resume, device,
        };
        foreach (var option in TrainLaunch.Options) command.Options.Add(option);
        command.SetAction(result =>
        {
            if (DeviceOption.Check(result.GetValue(device)!) is { } refused) return refused;
            LaunchPlan? plan;
            try
            {
                plan = TrainLaunch.Plan(result);
            }
            catch (ArgumentException e)
            {
                return Cli.Usage(e.Message);
            }
            if (plan != null) return TrainLaunch.Run(plan);
            var launch = TrainLaunch.Worker();
            var resumePath = result.GetValue(resume);
            if (resumePath != null)
            {
                var changed = new Option[] { task, model, data, epochs, batch, imgsz, lr, optimizer, seed, name, weights, width, cfg, set }
                    .Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (changed.Count > 0)
                    return Cli.Usage($"--resume continues a run with its saved options; {string.Join(", ", changed)} cannot be given with it (only --workers)");
                if (Directory.Exists(resumePath)) resumePath = Path.Combine(resumePath, Trainer.LastCheckpoint);
                return Cli.Run(() => Run(() => Trainer.Resume(resumePath, Callbacks(launch), workers: result.GetValue(workers), launch: launch), launch));
            }
            var overrides = new List<string>();
            var given = new Option[] { task, model, data, epochs, batch, imgsz, lr, optimizer, workers, seed, name, width, cfg, set, device };
            if (given.All(o => result.GetResult(o) is null or { Implicit: true }))
            {
                Console.WriteLine(QuickstartNotice);
                overrides.AddRange(Quickstart);
            }
            void Add(string key, object? value)
            {
                if (value != null) overrides.Add($"{key}={Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}");
            }
            Add("task", result.GetValue(task));
            Add("model", result.GetValue(model));
            Add("data", result.GetValue(data));
            Add("epochs", result.GetValue(epochs));
            Add("batch", result.GetValue(batch));
            Add("imgsz", result.GetValue(imgsz));
            Add("lr0", result.GetValue(lr));
            Add("optimizer", result.GetValue(optimizer));
            Add("workers", result.GetValue(workers));
            Add("seed", result.GetValue(seed));
            Add("name", result.GetValue(name));
            Add("weights", result.GetValue(weights));
            Add("width", result.GetValue(width));
            overrides.AddRange(result.GetValue(set) ?? []);
            return Cli.Run(() => Run(() => Trainer.Create(OptionsReader.Read(result.GetValue(cfg), overrides), Callbacks(launch), launch: launch), launch));
        });
        return command;
    }

    /// <summary>Progress and pictures come from rank 0 only (the others train silently, as ultralytics' ranks do).</summary>
    static ITrainerCallback[] Callbacks(LaunchEnvironment? launch) => launch is { Rank: > 0 } ? [] :
        [new ConsoleProgress(), new RunPictures(message => Console.Error.WriteLine($"osprey train: warning: {message}"))];

    static int Run(Func<Trainer> create, LaunchEnvironment? launch)
    {
        using var trainer = create();
        using var cancel = new CancellationTokenSource();
        int presses = 0;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            if (Interlocked.Increment(ref presses) == 1)
            {
                Console.Error.WriteLine("\nosprey train: stopping after this epoch (its checkpoint is written; --resume continues). " +
                                        "Ctrl-C again stops at once.");
                cancel.Cancel();
                return;
            }
            // Checkpoints are written to a temporary file and renamed, so the last one on disk is whole whenever this exits.
            var last = Path.Combine(trainer.RunDirectory, Trainer.LastCheckpoint);
            Console.Error.WriteLine(File.Exists(last)
                ? $"\nosprey train: stopped at once; {last} (epoch {trainer.EpochsDone}) is intact: --resume {last} continues"
                : "\nosprey train: stopped at once, before the first epoch ended (no checkpoint)");
            ImmediateExit.Now(Cli.Interrupted);
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            trainer.Train(cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        if (launch is { Rank: > 0 }) return trainer.EpochsDone < trainer.Options.Epochs && cancel.IsCancellationRequested ? Cli.Interrupted : Cli.Ok;
        var fitness = double.IsFinite(trainer.BestFitness) ? $"best fitness {trainer.BestFitness:F4}" : "no validation";
        Console.WriteLine($"osprey train: {trainer.EpochsDone}/{trainer.Options.Epochs} epochs; {fitness}; " +
                          $"weights {Path.Combine(trainer.RunDirectory, Trainer.BestCheckpoint)}");
        return trainer.EpochsDone < trainer.Options.Epochs && cancel.IsCancellationRequested ? Cli.Interrupted : Cli.Ok;
    }
}
