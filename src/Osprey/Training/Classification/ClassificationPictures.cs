using Osprey.Data;
using Osprey.Metrics;
using Osprey.Models;
using Osprey.Models.Classification;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Training.Pictures;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using Osprey.Visuals.Report;

namespace Osprey.Training.Classification;

/// <summary>
/// A classification run's pictures: batches captioned with class names (the model's top-1 "name 0.87" on the
/// predictions), confusion_matrix.png / confusion_matrix_normalized.png and the per-class accuracy table.
/// </summary>
public sealed class ClassificationPictures(TaskData data) : ITaskPictures
{
    public Action<string> TrainBatch(Batch batch) => ClassGrid(batch.Images, batch.Labels, data.Classes, data.Mean, data.Std);

    public void WriteValBatch(string labelsPath, string predictionsPath, Batch batch, Module model)
    {
        var classifier = TrainingTask<ClassificationOutput>.Typed(model, "classify");
        using var scope = TensorScope.Begin();
        using var output = classifier.Run(batch.Input);
        ClassGrid(batch.Images, batch.Labels, data.Classes, data.Mean, data.Std)(labelsPath);
        BatchTiles.WriteGrid(predictionsPath, BatchImages.ToBitmaps(batch.Images, data.Mean, data.Std), TopOneCaptions(output.Logits, data.Classes));
    }

    public IReadOnlyList<(string File, Action<string> Write)> EvaluationPictures(object evaluator)
    {
        if (evaluator is not ClassificationEvaluator classification) return [];
        var counts = Counts(classification.Metrics.Confusion);
        return
        [
            ("confusion_matrix.png", path => ConfusionMatrixPlot.Save(path, counts, data.Classes, normalize: false)),
            ("confusion_matrix_normalized.png", path => ConfusionMatrixPlot.Save(path, counts, data.Classes, normalize: true)),
        ];
    }

    public IReadOnlyList<HtmlTable> Tables(object evaluator) =>
        evaluator is ClassificationEvaluator classification ? [PerClassTable(classification.Metrics.Confusion, data.Classes)] : [];

    /// <summary>A grid of up to 16 images of a batch, each captioned with its class name (or "?" without a label): the
    /// images and labels are read now, the returned writer draws and writes the grid (no tensor).</summary>
    public static Action<string> ClassGrid(Tensor images, Tensor labels, IReadOnlyList<string> classes, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        long[] ids;
        using (var scope = TensorScope.Begin()) ids = labels.To(DType.Int64).ToArray<long>();
        var tiles = BatchImages.ToBitmaps(images, mean, std);
        var captions = ids.Select(id => id >= 0 && id < classes.Count ? classes[(int)id] : "?").ToList();
        return path => BatchTiles.WriteGrid(path, tiles, captions);
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

    static long[,] Counts(ConfusionMatrix matrix)
    {
        var counts = new long[matrix.Classes, matrix.Classes];
        for (int t = 0; t < matrix.Classes; t++) for (int p = 0; p < matrix.Classes; p++) counts[t, p] = matrix[t, p];
        return counts;
    }
}
