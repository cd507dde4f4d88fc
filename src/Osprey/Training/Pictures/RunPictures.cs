using System.Diagnostics;
using Osprey.Data;
using Osprey.Torch;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using Osprey.Visuals.Report;

namespace Osprey.Training.Pictures;

/// <summary>
/// The trainer callback that writes a run's pictures into <see cref="Trainer.RunDirectory"/>: results.png and
/// report.html at the end of every epoch; the task's pictures (<see cref="ITrainingTask.Pictures"/>): its data pictures
/// and train_batch0..2.jpg at the start of a new run (their batches read there, drawn in the background), its
/// evaluator's plots (confusion matrices, curves, IoU bars) at the best and the last epoch and its per-class tables
/// every epoch, val_batch0_labels.jpg / val_batch0_pred.jpg at the end. Every file is written atomically. A drawing failure becomes a warning (<see cref="Warnings"/> and the warn
/// action) and never stops the run.
/// Tensors are read on the training thread only; what is drawn from managed data at an epoch's end (results.png, the
/// evaluator's plots, report.html) is rendered on one background worker in order while the next epoch trains, and the
/// run's end waits for it (<see cref="Flush"/>).
/// </summary>
public sealed class RunPictures(Action<string>? warn = null) : ITrainerCallback
{
    public const int TrainBatches = 3;
    readonly Action<string> warn = warn ?? (message => Console.Error.WriteLine(message));
    ITaskPictures? task;
    object? evaluator;
    (List<KeyValuePair<string, double>> Metrics, List<HtmlTable> Tables, string Title)? lastReport;

    readonly Dictionary<string, TimeSpan> costs = [];
    readonly object gate = new();
    Task pending = Task.CompletedTask;

    public List<string> Warnings { get; } = [];
    /// <summary>The time each picture took so far (by file name; "val_batch0_*.jpg" includes the model's forward).</summary>
    public IReadOnlyDictionary<string, TimeSpan> Costs
    {
        get { lock (gate) return new Dictionary<string, TimeSpan>(costs); }
    }
    /// <summary>Time the training thread spent on pictures at the last epoch end (reading what they show; the drawing
    /// itself runs in the background).</summary>
    public TimeSpan LastEpochEndCost { get; private set; }
    /// <summary>Time spent on the task's pictures at the start of the run (data pictures, training batches).</summary>
    public TimeSpan TrainStartCost { get; private set; }
    /// <summary>Time spent at the end of the run: the validation batch pictures, waiting for the background drawing,
    /// the final report.</summary>
    public TimeSpan TrainEndCost { get; private set; }

    /// <summary>A new run's first training batches, rebuilt as the trainer's loader builds them (same dataset, transform,
    /// seed and batch size: each sample's augmentation depends only on (seed, epoch, index)), so no trainer hook is needed
    /// and the training's random streams are untouched.</summary>
    public void OnTrainStart(Trainer trainer)
    {
        var clock = Stopwatch.StartNew();
        Later(() => Guard("plot warm-up", PlotImage.WarmUp)); // while the first epoch trains
        Guard("the task's pictures", () => task = trainer.Task.Pictures(trainer.Data));
        if (task == null || trainer.EpochsDone > 0) return; // resumed: the first session drew these
        foreach (var (file, write) in Safely("data pictures", task.DataPictures))
            Guard(file, () => write(Path.Combine(trainer.RunDirectory, file)));
        Guard("train_batch*.jpg", () =>
        {
            var loader = new DataLoader(trainer.Data.Train, trainer.Data.TrainTransform,
                new LoaderOptions { BatchSize = trainer.Options.Batch, Shuffle = true, Seed = trainer.Options.Seed, Workers = 0 },
                trainer.Task.Collate);
            foreach (var batch in loader.Epoch(0).Take(TrainBatches))
                using (batch)
                {
                    var file = $"train_batch{batch.Number}.jpg";
                    Guard(file, () =>
                    {
                        var draw = task.TrainBatch(batch);
                        Later(() => Guard(file, () => draw(Path.Combine(trainer.RunDirectory, file))));
                    });
                }
        });
        TrainStartCost = clock.Elapsed;
    }

    /// <summary>The first validation batch with its labels and the final model's predictions (the EMA model when the run
    /// keeps one, as validation uses).</summary>
    public void OnTrainEnd(Trainer trainer)
    {
        var clock = Stopwatch.StartNew();
        if (task != null && trainer.Data.Val is { } val)
            Guard("val_batch0_*.jpg", () =>
            {
                var evaluated = trainer.Ema?.Model ?? trainer.Model;
                // Only the tiles drawn go through the model: the first images of the first validation batch.
                var loader = new DataLoader(val, trainer.Data.ValTransform,
                    new LoaderOptions { BatchSize = Math.Min(ImageGrid.MaxTiles, trainer.Options.Batch * 2), Shuffle = false, Seed = trainer.Options.Seed, Workers = 0 },
                    trainer.Task.Collate);
                using var batch = loader.Epoch(0).First();
                evaluated.Eval();
                try
                {
                    using var noGrad = Autograd.NoGrad();
                    task.WriteValBatch(Path.Combine(trainer.RunDirectory, "val_batch0_labels.jpg"), Path.Combine(trainer.RunDirectory, "val_batch0_pred.jpg"),
                                       batch, evaluated);
                }
                finally { trainer.Model.Train(); }
            });
        Flush();
        if (lastReport is { } report) WriteReport(trainer.RunDirectory, report); // now with the validation batches
        TrainEndCost = clock.Elapsed;
    }

    /// <summary>Waits until the pictures queued for the background are written.</summary>
    public void Flush()
    {
        Task last;
        lock (gate) last = pending;
        last.Wait();
    }

    /// <summary>The evaluator of the epoch about to end (its plots and tables are drawn at the epoch's end).</summary>
    public void OnValidationEnd(Trainer trainer, int epoch, IEvaluation evaluation) => evaluator = evaluation.Evaluator;

    public void OnEpochEnd(Trainer trainer, EpochSummary summary)
    {
        var clock = Stopwatch.StartNew();
        var dir = trainer.RunDirectory;
        var evaluated = evaluator;
        evaluator = null;
        ResultsTable? results = null;
        Guard("results.png", () => results = ResultsTable.Read(Path.Combine(dir, Trainer.ResultsFile)));
        var tables = new List<HtmlTable>();
        IReadOnlyList<(string File, Action<string> Write)> plots = [];
        if (task != null && evaluated != null)
        {
            // The evaluator's plots are the costliest pictures (heatmaps with a label per cell, 1000-point curves): drawn
            // for the best and the last epoch only, the ones a user looks at; the tables are updated every epoch.
            if (summary.IsBest || summary.Epoch == summary.Epochs) plots = Safely("evaluation pictures", () => task.EvaluationPictures(evaluated));
            tables.AddRange(Safely("report tables", () => task.Tables(evaluated)));
        }
        var metrics = new List<KeyValuePair<string, double>> { new("epoch", summary.Epoch) };
        metrics.AddRange(summary.TrainTerms.Select(t => new KeyValuePair<string, double>($"train/{t.Key}", t.Value)));
        metrics.AddRange(summary.ValTerms.Select(t => new KeyValuePair<string, double>($"val/{t.Key}", t.Value)));
        metrics.AddRange(summary.Metrics);
        var report = (metrics, tables, $"{trainer.Options.Model} on {trainer.Data.Description}: epoch {summary.Epoch}/{summary.Epochs}");
        lastReport = report;
        Later(() =>
        {
            if (results != null) Guard("results.png", () => ResultsPlot.Save(Path.Combine(dir, "results.png"), results));
            foreach (var (file, write) in plots) Guard(file, () => write(Path.Combine(dir, file)));
            WriteReport(dir, report);
        });
        LastEpochEndCost = clock.Elapsed;
    }

    void Later(Action work)
    {
        lock (gate) pending = pending.ContinueWith(_ => work(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    void WriteReport(string dir, (List<KeyValuePair<string, double>> Metrics, List<HtmlTable> Tables, string Title) report) =>
        Guard(RunFolderReport.ReportFile, () => ReportHtml.Write(dir, RunFolderReport.FromFolder(dir, report.Metrics, report.Tables, report.Title)));

    IReadOnlyList<T> Safely<T>(string what, Func<IReadOnlyList<T>> list)
    {
        IReadOnlyList<T> items = [];
        Guard(what, () => items = list());
        return items;
    }

    void Guard(string picture, Action draw)
    {
        long start = Stopwatch.GetTimestamp();
        try { draw(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var message = $"warning: {picture} not written ({e.GetType().Name}: {e.Message}); training continues";
            lock (gate)
            {
                Warnings.Add(message);
                warn(message);
            }
        }
        finally
        {
            lock (gate) costs[picture] = costs.GetValueOrDefault(picture) + Stopwatch.GetElapsedTime(start);
        }
    }
}
