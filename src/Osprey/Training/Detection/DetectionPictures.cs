using Osprey.Data;
using Osprey.Metrics.Detection;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Training.Pictures;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using Osprey.Visuals.Report;
using SkiaSharp;

namespace Osprey.Training.Detection;

/// <summary>One image's boxes in the batch's pixels: (x0, y0, x1, y1) rows, classes, and scores for predictions.</summary>
public sealed record PictureBoxes(float[] Boxes, int[] Classes, float[]? Scores = null)
{
    public int Count => Classes.Length;
}

/// <summary>
/// A detect run's pictures, as ultralytics draws them: batches with their boxes in class colours and names (predictions
/// with their confidence, above <see cref="PlotConfidence"/>), labels.jpg from the training labels, and the
/// ultralytics confusion matrix with its background row and column. The detector family supplies its predictions and
/// its evaluator's plots.
/// </summary>
public abstract class DetectionPictures(TaskData data) : ITaskPictures
{
    /// <summary>ultralytics' plot_images threshold for predicted boxes.</summary>
    public const float PlotConfidence = 0.25f;

    protected TaskData Data => data;

    public IReadOnlyList<(string File, Action<string> Write)> DataPictures() =>
        [("labels.jpg", path => LabelsPlot.Save(path, TrainingLabels.Of(data.Train), data.Classes))];

    public Action<string> TrainBatch(Batch batch)
    {
        var draw = ReadBoxTiles(batch.Images, Truth(batch), data.Classes, data.Mean, data.Std);
        return path => BatchTiles.WriteGrid(path, draw());
    }

    public void WriteValBatch(string labelsPath, string predictionsPath, Batch batch, Module model)
    {
        var predictions = Predict(model, batch);
        WriteBoxGrid(labelsPath, batch, Truth(batch), data);
        WriteBoxGrid(predictionsPath, batch, predictions, data);
    }

    public abstract IReadOnlyList<(string File, Action<string> Write)> EvaluationPictures(object evaluator);

    public abstract IReadOnlyList<HtmlTable> Tables(object evaluator);

    /// <summary>The model's boxes for each image of the batch, in the batch's pixels, above <see cref="PlotConfidence"/>.</summary>
    protected abstract IReadOnlyList<PictureBoxes> Predict(Module model, Batch batch);

    /// <summary>PR_curve.png, F1_curve.png, P_curve.png and R_curve.png of ultralytics' ap_per_class (for the classes with
    /// labels; none when no detection matched, as ultralytics computes no curves then).</summary>
    protected IReadOnlyList<(string File, Action<string> Write)> CurvePictures(UltralyticsDetectionResult result) =>
        result.Curves is not { } curves ? [] : CurvePlots(curves, data.Classes).Select(p => (p.File, (Action<string>)(path =>
        {
            using var plot = p.Build();
            PlotImage.Save(path, plot, 900, 600);
        }))).ToList();

    /// <summary>The four curve plots from ap_per_class' result: x its 1000-point grid (recall for the PR curve,
    /// confidence for the others), one line per class with labels.</summary>
    public static List<(string File, Func<ScottPlot.Plot> Build)> CurvePlots(UltralyticsApResult curves, IReadOnlyList<string> names)
    {
        int nc = curves.Classes.Length;
        double[][] Rows(double[,] m) => Enumerable.Range(0, nc).Select(c => Enumerable.Range(0, m.GetLength(1)).Select(i => m[c, i]).ToArray()).ToArray();
        var x = curves.Confidences;
        var classNames = curves.Classes.Select(c => c < names.Count ? names[c] : c.ToString()).ToArray();
        var ap50 = Enumerable.Range(0, nc).Select(c => curves.AP[c, 0]).ToArray();
        return
        [
            ("PR_curve.png", () => MetricCurves.PrecisionRecall(x, Rows(curves.PrecisionAtRecall), ap50, classNames)),
            ("F1_curve.png", () => MetricCurves.MetricConfidence(x, Rows(curves.F1Curve), classNames, "F1")),
            ("P_curve.png", () => MetricCurves.MetricConfidence(x, Rows(curves.PrecisionCurve), classNames, "Precision")),
            ("R_curve.png", () => MetricCurves.MetricConfidence(x, Rows(curves.RecallCurve), classNames, "Recall")),
        ];
    }

    /// <summary>confusion_matrix.png and confusion_matrix_normalized.png of ultralytics' detection matrix.</summary>
    protected IReadOnlyList<(string File, Action<string> Write)> ConfusionPictures(UltralyticsConfusionMatrix matrix)
    {
        var counts = matrix.ByTrueClass();
        return
        [
            ("confusion_matrix.png", path => ConfusionMatrixPlot.Save(path, counts, data.Classes, normalize: false, withBackground: true)),
            ("confusion_matrix_normalized.png", path => ConfusionMatrixPlot.Save(path, counts, data.Classes, normalize: true, withBackground: true)),
        ];
    }

    /// <summary>The batch's labelled boxes (per image, in the batch's pixels).</summary>
    public static List<PictureBoxes> Truth(Batch batch)
    {
        var boxes = batch.Boxes ?? throw new ArgumentException($"batch {batch.Number} has no boxes to draw");
        var labels = batch.BoxLabels!;
        using var scope = TensorScope.Begin();
        return Enumerable.Range(0, Math.Min(batch.Count, ImageGrid.MaxTiles))
            .Select(i => new PictureBoxes(boxes[i].Float().Contiguous().ToArray<float>(), labels[i].To(DType.Int64).ToArray<long>().Select(c => (int)c).ToArray()))
            .ToList();
    }

    /// <summary>Writes the batch's images (up to 16) as a grid with each image's boxes drawn on its tile.</summary>
    public static void WriteBoxGrid(string path, Batch batch, IReadOnlyList<PictureBoxes> boxes, TaskData data) =>
        BatchTiles.WriteGrid(path, BoxTiles(batch.Images, boxes, data.Classes, data.Mean, data.Std));

    /// <summary>The tiles of <see cref="BatchTiles.Scaled"/> with the boxes drawn on them (scaled with the image): the
    /// outline in the class colour, the class name (and the score) on a tag.</summary>
    public static List<SKBitmap> BoxTiles(Tensor images, IReadOnlyList<PictureBoxes> boxes, IReadOnlyList<string> names, IReadOnlyList<float> mean, IReadOnlyList<float> std) =>
        ReadBoxTiles(images, boxes, names, mean, std)();

    /// <summary><see cref="BoxTiles"/> in two steps: the images are read now, the returned function draws the boxes (no tensor).</summary>
    public static Func<List<SKBitmap>> ReadBoxTiles(Tensor images, IReadOnlyList<PictureBoxes> boxes, IReadOnlyList<string> names, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        var (tiles, scale) = BatchTiles.Scaled(images, mean, std);
        return () => DrawBoxes(tiles, scale, boxes, names);
    }

    static List<SKBitmap> DrawBoxes(List<SKBitmap> tiles, float scale, IReadOnlyList<PictureBoxes> boxes, IReadOnlyList<string> names)
    {
        try
        {
            for (int i = 0; i < tiles.Count && i < boxes.Count; i++)
            {
                using var annotator = new Annotator(tiles[i]);
                var set = boxes[i];
                for (int k = 0; k < set.Count; k++)
                {
                    var box = new SKRect(set.Boxes[4 * k] * scale, set.Boxes[4 * k + 1] * scale, set.Boxes[4 * k + 2] * scale, set.Boxes[4 * k + 3] * scale);
                    box.Intersect(new SKRect(0, 0, tiles[i].Width, tiles[i].Height));
                    if (!(box.Width > 0 && box.Height > 0)) continue; // outside the image or degenerate: nothing to see
                    int c = set.Classes[k];
                    string name = c >= 0 && c < names.Count ? names[c] : c.ToString();
                    annotator.Box(box, Palette.Color(c), Annotator.Label(name, set.Scores?[k]));
                }
            }
            return tiles;
        }
        catch
        {
            foreach (var t in tiles) t.Dispose();
            throw;
        }
    }
}
