using System.CommandLine;
using Osprey.Training;
using Osprey.Training.Pictures;

namespace Osprey.Cli.Commands;

/// <summary>
/// <c>osprey train</c>: options come from the defaults, then <c>--cfg</c> (a YAML file), then the named flags, then
/// <c>--set key=value</c> (any option, e.g. <c>--set ema=true</c>). <c>--resume</c> continues a run with its saved options.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var task = new Option<string?>("--task") { Description = "classify (segment and detect come later)" };
        var model = new Option<string?>("--model") { Description = "a registered model, e.g. seresnet18 (see osprey info)" };
        var data = new Option<string?>("--data") { Description = "fashion-mnist, mnist:<dir>, or a folder with train/ and val/ class folders" };
        var epochs = new Option<int?>("--epochs") { Description = "training epochs" };
        var batch = new Option<int?>("--batch") { Description = "batch size" };
        var imgsz = new Option<int?>("--imgsz") { Description = "input side in pixels (default: the dataset's, 28 for Fashion-MNIST)" };
        var lr = new Option<double?>("--lr") { Description = "initial learning rate (lr0)" };
        var optimizer = new Option<string?>("--optimizer") { Description = "sgd or adamw" };
        var workers = new Option<int?>("--workers") { Description = "data-loading threads" };
        var seed = new Option<int?>("--seed") { Description = "random seed (shuffle, augmentation, initialization)" };
        var name = new Option<string?>("--name") { Description = "run folder name under runs/<task>/ (default train, train2, ...)" };
        var width = new Option<int?>("--width") { Description = "ResNet base channels (64 = the paper's)" };
        var cfg = new Option<string?>("--cfg") { Description = "a YAML file of options (keys as in args.yaml)" };
        var set = new Option<string[]>("--set") { Description = "key=value for any option (repeatable)", AllowMultipleArgumentsPerToken = true };
        var resume = new Option<string?>("--resume") { Description = "a run's last.ckpt (or its folder): continue it exactly" };
        var command = new Command("train", "Train a model; writes runs/<task>/<name>/ (args.yaml, results.csv, last.ckpt, best.ckpt)")
        {
            task, model, data, epochs, batch, imgsz, lr, optimizer, workers, seed, name, width, cfg, set, resume,
        };
        command.SetAction(result =>
        {
            var resumePath = result.GetValue(resume);
            if (resumePath != null)
            {
                var changed = new Option[] { task, model, data, epochs, batch, imgsz, lr, optimizer, seed, name, width, cfg, set }
                    .Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (changed.Count > 0)
                    return Cli.Usage($"--resume continues a run with its saved options; {string.Join(", ", changed)} cannot be given with it (only --workers)");
                if (Directory.Exists(resumePath)) resumePath = Path.Combine(resumePath, Trainer.LastCheckpoint);
                return Cli.Run(() => Run(() => Trainer.Resume(resumePath, [new ConsoleProgress(), new RunPictures(message => Console.Error.WriteLine($"osprey train: warning: {message}"))], workers: result.GetValue(workers))));
            }
            var overrides = new List<string>();
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
            Add("width", result.GetValue(width));
            overrides.AddRange(result.GetValue(set) ?? []);
            return Cli.Run(() => Run(() => Trainer.Create(OptionsReader.Read(result.GetValue(cfg), overrides), [new ConsoleProgress(), new RunPictures(message => Console.Error.WriteLine($"osprey train: warning: {message}"))])));
        });
        return command;
    }

    static int Run(Func<Trainer> create)
    {
        using var trainer = create();
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("\nosprey train: stopping after this epoch (its checkpoint is written; --resume continues)");
            cancel.Cancel();
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
        var fitness = double.IsFinite(trainer.BestFitness) ? $"best fitness {trainer.BestFitness:F4}" : "no validation";
        Console.WriteLine($"osprey train: {trainer.EpochsDone}/{trainer.Options.Epochs} epochs; {fitness}; " +
                          $"weights {Path.Combine(trainer.RunDirectory, Trainer.BestCheckpoint)}");
        return 0;
    }
}
