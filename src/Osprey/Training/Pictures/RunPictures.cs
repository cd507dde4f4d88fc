using System.Diagnostics;
using Osprey.Data;
using Osprey.Metrics;
using Osprey.Models;
using Osprey.Models.Classification;
using Osprey.Torch;
using Osprey.Training.Classification;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using Osprey.Visuals.Report;

namespace Osprey.Training.Pictures;

/// <summary>
/// The pictures of a classification run, written into <see cref="Trainer.RunDirectory"/> at the end of every epoch:
/// results.png and report.html always; the per-class accuracy table, and (at the best and the last epoch)
/// confusion_matrix.png / confusion_matrix_normalized.png, once the epoch's confusion matrix is given (<see cref="RecordValidation"/>); train_batch0..2.jpg at
/// the start of a new run and val_batch0_labels.jpg / val_batch0_pred.jpg at its end. Every file is written atomically.
/// A drawing failure becomes a warning (<see cref="Warnings"/> and the warn action) and never stops the run.
/// </summary>
public sealed class RunPictures(Action<string>? warn = null) : ITrainerCallback
{
    public const int TrainBatches = 3;
    readonly Action<string> warn = warn ?? (message => Console.Error.WriteLine(message));
    ConfusionMatrix? confusion;
    (List<KeyValuePair<string, double>> Metrics, List<HtmlTable> Tables, string Title)? lastReport;

    public List<string> Warnings { get; } = [];
    /// <summary>Time spent writing pictures at the last epoch end (results.png, confusion matrices, report.html).</summary>
    public TimeSpan LastEpochEndCost { get; private set; }

    /// <summary>A new run's first training batches, rebuilt as the trainer's loader builds them (same dataset, transform,
    /// seed and batch size: each sample's augmentation depends only on (seed, epoch, index)), so no trainer hook is needed
    /// and the training's random streams are untouched.</summary>
    public void OnTrainStart(Trainer trainer)
    {
        if (trainer.EpochsDone > 0) return; // resumed: the first batches were drawn by the first session
        Guard("train_batch*.jpg", () =>
        {
            var loader = new DataLoader(trainer.Data.Train, trainer.Data.TrainTransform,
                new LoaderOptions { BatchSize = trainer.Options.Batch, Shuffle = true, Seed = trainer.Options.Seed, Workers = 0 },
                trainer.Task.Collate);
            foreach (var batch in loader.Epoch(0).Take(TrainBatches))
                using (batch)
                    RecordTrainBatch(trainer, batch.Number, batch.Images, batch.Labels);
        });
    }

    /// <summary>The first validation batch with its labels and the final model's top-1 predictions (the EMA model when
    /// the run keeps one, as validation uses).</summary>
    public void OnTrainEnd(Trainer trainer)
    {
        if (trainer.Data.Val is not { } val) return;
        Guard("val_batch0_*.jpg", () =>
        {
            var evaluated = trainer.Ema?.Model ?? trainer.Model;
            if (evaluated is not IImageModel<ClassificationOutput> classifier) return;
            var loader = new DataLoader(val, trainer.Data.ValTransform,
                new LoaderOptions { BatchSize = trainer.Options.Batch * 2, Shuffle = false, Seed = trainer.Options.Seed, Workers = 0 },
                trainer.Task.Collate);
            using var batch = loader.Epoch(0).First();
            using var scope = TensorScope.Begin();
            evaluated.Eval();
            try
            {
                using var noGrad = Autograd.NoGrad();
                using var output = classifier.Run(batch.Input);
                RecordValBatch(trainer, 0, batch.Images, batch.Labels, output.Logits);
            }
            finally { trainer.Model.Train(); }
        });
        WriteReport(trainer.RunDirectory); // now with the validation batches
    }

    void WriteReport(string dir)
    {
        if (lastReport is not { } report) return;
        Guard(RunFolderReport.ReportFile, () => ReportHtml.Write(dir, RunFolderReport.FromFolder(dir, report.Metrics, report.Tables, report.Title)));
    }

    /// <summary>The validation confusion matrix of the epoch about to end (drawn at its end, with per-class accuracy).</summary>
    public void RecordValidation(ConfusionMatrix matrix) => confusion = matrix;

    public void OnValidationEnd(Trainer trainer, int epoch, IEvaluation evaluation)
    {
        if (evaluation.Evaluator is ClassificationEvaluator classification) RecordValidation(classification.Metrics.Confusion);
    }

    /// <summary>Writes train_batch{number}.jpg for the first <see cref="TrainBatches"/> batches of a run: the (N, C, H, W)
    /// normalized model inputs with their class names, after augmentation.</summary>
    public void RecordTrainBatch(Trainer trainer, int number, Tensor images, Tensor labels)
    {
        if (number >= TrainBatches) return;
        Guard($"train_batch{number}.jpg", () =>
            WriteClassGrid(Path.Combine(trainer.RunDirectory, $"train_batch{number}.jpg"), images, labels, trainer.Data.Classes, trainer.Data.Mean, trainer.Data.Std));
    }

    /// <summary>Writes val_batch{number}_labels.jpg (true class names) and val_batch{number}_pred.jpg (top-1 "name 0.87"
    /// from the (N, classes) <paramref name="logits"/>) for the first <see cref="TrainBatches"/> validation batches.</summary>
    public void RecordValBatch(Trainer trainer, int number, Tensor images, Tensor labels, Tensor logits)
    {
        if (number >= TrainBatches) return;
        var dir = trainer.RunDirectory;
        var data = trainer.Data;
        Guard($"val_batch{number}_labels.jpg", () =>
            WriteClassGrid(Path.Combine(dir, $"val_batch{number}_labels.jpg"), images, labels, data.Classes, data.Mean, data.Std));
        Guard($"val_batch{number}_pred.jpg", () =>
            WriteGrid(Path.Combine(dir, $"val_batch{number}_pred.jpg"), images, TopOneCaptions(logits, data.Classes), data.Mean, data.Std));
    }

    public void OnEpochEnd(Trainer trainer, EpochSummary summary)
    {
        var clock = Stopwatch.StartNew();
        var dir = trainer.RunDirectory;
        var classes = trainer.Data.Classes;
        var matrix = confusion;
        confusion = null;
        Guard("results.png", () => ResultsPlot.Save(Path.Combine(dir, "results.png"), ResultsTable.Read(Path.Combine(dir, Trainer.ResultsFile))));
        // The matrices are the costliest pictures (two heatmaps with a label per cell): drawn for the best and the last
        // epoch only, the ones a user looks at; the per-class table is updated every epoch.
        if (matrix != null && (summary.IsBest || summary.Epoch == summary.Epochs))
            Guard("confusion_matrix.png", () =>
            {
                var counts = Counts(matrix);
                ConfusionMatrixPlot.Save(Path.Combine(dir, "confusion_matrix.png"), counts, classes, normalize: false);
                ConfusionMatrixPlot.Save(Path.Combine(dir, "confusion_matrix_normalized.png"), counts, classes, normalize: true);
            });
        var metrics = new List<KeyValuePair<string, double>> { new("epoch", summary.Epoch) };
        metrics.AddRange(summary.TrainTerms.Select(t => new KeyValuePair<string, double>($"train/{t.Key}", t.Value)));
        metrics.AddRange(summary.ValTerms.Select(t => new KeyValuePair<string, double>($"val/{t.Key}", t.Value)));
        metrics.AddRange(summary.Metrics);
        var tables = matrix == null ? new List<HtmlTable>() : [PerClassTable(matrix, classes)];
        lastReport = (metrics, tables, $"{trainer.Options.Model} on {trainer.Data.Description}: epoch {summary.Epoch}/{summary.Epochs}");
        WriteReport(dir);
        LastEpochEndCost = clock.Elapsed;
    }

    /// <summary>A grid of up to 16 images of a batch, each captioned with its class name (or "?" without a label).</summary>
    public static void WriteClassGrid(string path, Tensor images, Tensor labels, IReadOnlyList<string> classes, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        long[] ids;
        using (var scope = TensorScope.Begin()) ids = labels.To(DType.Int64).ToArray<long>();
        WriteGrid(path, images, ids.Select(id => id >= 0 && id < classes.Count ? classes[(int)id] : "?").ToList(), mean, std);
    }

    /// <summary>Per row of (N, classes) logits: "name p" of the most probable class (softmax probability).</summary>
    public static List<string> TopOneCaptions(Tensor logits, IReadOnlyList<string> classes)
    {
        if (logits.Dim != 2 || logits.Size(1) != classes.Count)
            throw new ArgumentException($"logits {logits.Describe()} must be (N, {classes.Count}) for {classes.Count} classes");
        float[] values;
        using (var scope = TensorScope.Begin()) values = logits.Float().Contiguous().ToArray<float>();
        int n = (int)logits.Size(0), k = classes.Count;
        var captions = new List<string>(n);
        for (int i = 0; i < n; i++)
        {
            var row = values.AsSpan(i * k, k);
            int best = 0;
            for (int c = 1; c < k; c++) if (row[c] > row[best]) best = c;
            double sum = 0;
            foreach (var v in row) sum += Math.Exp(v - row[best]);
            captions.Add(Annotator.Label(classes[best], 1 / sum));
        }
        return captions;
    }

    static void WriteGrid(string path, Tensor images, IReadOnlyList<string> captions, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        var bitmaps = BatchImages.ToBitmaps(images, mean, std);
        try
        {
            var tiles = bitmaps.Select((b, i) => new GridTile(b, i < captions.Count ? captions[i] : null)).ToList();
            int cell = Math.Clamp(Math.Max(bitmaps[0].Width, bitmaps[0].Height), 96, 256);
            using var grid = ImageGrid.Draw(tiles, cell);
            ImageFile.Write(path, grid);
        }
        finally { foreach (var b in bitmaps) b.Dispose(); }
    }

    public static HtmlTable PerClassTable(ConfusionMatrix matrix, IReadOnlyList<string> classes)
    {
        var accuracy = matrix.PerClassAccuracy();
        var rows = new List<IReadOnlyList<string>>();
        for (int c = 0; c < matrix.Classes; c++)
        {
            long samples = 0;
            for (int p = 0; p < matrix.Classes; p++) samples += matrix[c, p];
            rows.Add([c < classes.Count ? classes[c] : c.ToString(), samples.ToString(), double.IsNaN(accuracy[c]) ? "" : accuracy[c].ToString("0.0000")]);
        }
        return new HtmlTable("Per-class accuracy (validation)", ["class", "images", "accuracy"], rows);
    }

    /// <summary>A task's per-class table (<see cref="ValidationReport.PerClass"/>) for the report.</summary>
    public static HtmlTable FromTaskTable(string title, ReportTable table) => new(title, table.Columns, table.Rows);

    static long[,] Counts(ConfusionMatrix matrix)
    {
        var counts = new long[matrix.Classes, matrix.Classes];
        for (int t = 0; t < matrix.Classes; t++) for (int p = 0; p < matrix.Classes; p++) counts[t, p] = matrix[t, p];
        return counts;
    }

    void Guard(string picture, Action draw)
    {
        try { draw(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var message = $"warning: {picture} not written ({e.GetType().Name}: {e.Message}); training continues";
            Warnings.Add(message);
            warn(message);
        }
    }
}
