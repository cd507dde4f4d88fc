using System.Globalization;
using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Metrics;
using Osprey.Models.Segmentation;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Training.Pictures;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using Osprey.Visuals.Report;
using SkiaSharp;

namespace Osprey.Training.Segmentation;

/// <summary>
/// A segment run's pictures, as mmsegmentation's visualizer shows them: batches with the class map blended over the
/// image in the dataset's palette (<see cref="Alpha"/>, ignored pixels left alone; the PASCAL VOC colour map, which
/// <c>predict</c> and the built-in scenes use too) and outlined; predictions are the
/// arg-max of the logits. The evaluator gives iou_per_class.png and the per-pixel confusion matrices (rows the true
/// class), and the per-class IoU / accuracy table.
/// </summary>
public sealed class SegmentationPictures(TaskData data) : ITaskPictures
{
    /// <summary>mmsegmentation's SegLocalVisualizer default opacity.</summary>
    public const double Alpha = 0.5;

    SKColor[] Colours { get; } = Segmenter.Colours(Rgb.VocColormap(data.Classes.Count));

    public Action<string> TrainBatch(Batch batch)
    {
        var draw = ReadMaskTiles(batch.Images, batch.Masks ?? throw new ArgumentException($"batch {batch.Number} has no masks to draw"), data.Mean, data.Std, Colours);
        return path => BatchTiles.WriteGrid(path, draw());
    }

    public void WriteValBatch(string labelsPath, string predictionsPath, Batch batch, Module model)
    {
        var masks = batch.Masks ?? throw new ArgumentException($"batch {batch.Number} has no masks to draw");
        var segmenter = TrainingTask<SegmentationOutput>.Typed(model, "segment");
        using var scope = TensorScope.Begin();
        var logits = segmenter.Run(batch.Input).Logits;
        if (logits.Size(2) != masks.Size(1) || logits.Size(3) != masks.Size(2))
            throw new ArgumentException($"logits {logits.Describe()} do not cover the images {batch.Images.Describe()} (a valid UNet predicts a smaller centre)");
        // Padding stays unpainted in the predictions as in the labels.
        var predicted = logits.ArgMax(1).MaskedFill(masks.Eq(Sample.IgnoreIndex), Sample.IgnoreIndex);
        BatchTiles.WriteGrid(labelsPath, MaskTiles(batch.Images, masks, data.Mean, data.Std, Colours));
        BatchTiles.WriteGrid(predictionsPath, MaskTiles(batch.Images, predicted, data.Mean, data.Std, Colours));
    }

    public IReadOnlyList<(string File, Action<string> Write)> EvaluationPictures(object evaluator)
    {
        if (evaluator is not SegmentationEvaluator segmentation) return [];
        var confusion = segmentation.Confusion;
        var iou = confusion.Scores().Iou;
        var counts = Counts(confusion);
        return
        [
            ("iou_per_class.png", path => IouBarChart.Save(path, iou, data.Classes)),
            ("confusion_matrix.png", path => ConfusionMatrixPlot.Save(path, counts, data.Classes, normalize: false)),
            ("confusion_matrix_normalized.png", path => ConfusionMatrixPlot.Save(path, counts, data.Classes, normalize: true)),
        ];
    }

    public IReadOnlyList<HtmlTable> Tables(object evaluator)
    {
        if (evaluator is not SegmentationEvaluator segmentation) return [];
        var scores = segmentation.Confusion.Scores();
        var (iou, accuracy) = (scores.Iou, scores.Accuracy);
        var rows = Enumerable.Range(0, iou.Length).Select(c => (IReadOnlyList<string>)
            [c < data.Classes.Count ? data.Classes[c] : c.ToString(CultureInfo.InvariantCulture), scores.AreaLabel[c].ToString(CultureInfo.InvariantCulture),
             SegmentationTask.Percent(iou[c]), SegmentationTask.Percent(accuracy[c])]).ToList();
        return [new HtmlTable("Per-class IoU (validation)", ["class", "pixels", "IoU", "accuracy"], rows)];
    }

    /// <summary>The batch's images (up to 16) at their own size with the (N, H, W) class map of each overlaid: every class
    /// k blended with <paramref name="colours"/>[k] at <see cref="Alpha"/>, then outlined (<see cref="MaskOverlay.Classes"/>).</summary>
    public static List<SKBitmap> MaskTiles(Tensor images, Tensor masks, IReadOnlyList<float> mean, IReadOnlyList<float> std, IReadOnlyList<SKColor> colours, bool outline = true) =>
        ReadMaskTiles(images, masks, mean, std, colours, outline)();

    /// <summary><see cref="MaskTiles"/> in two steps: the images and masks are read now, the returned function overlays
    /// them (no tensor).</summary>
    public static Func<List<SKBitmap>> ReadMaskTiles(Tensor images, Tensor masks, IReadOnlyList<float> mean, IReadOnlyList<float> std, IReadOnlyList<SKColor> colours, bool outline = true)
    {
        if (masks.Dim != 3 || masks.Size(0) != images.Size(0) || masks.Size(1) != images.Size(2) || masks.Size(2) != images.Size(3))
            throw new ArgumentException($"masks {masks.Describe()} do not match the images {images.Describe()}");
        var tiles = BatchImages.ToBitmaps(images, mean, std);
        int plane = (int)(masks.Size(1) * masks.Size(2));
        int[] ids;
        try
        {
            using var scope = TensorScope.Begin();
            ids = masks.Narrow(0, 0, tiles.Count).To(DType.Int32).Contiguous().ToArray<int>();
        }
        catch
        {
            foreach (var t in tiles) t.Dispose();
            throw;
        }
        return () =>
        {
            try
            {
                for (int i = 0; i < tiles.Count; i++)
                    MaskOverlay.Classes(tiles[i], ids.AsSpan(i * plane, plane), Alpha, outline, Sample.IgnoreIndex, colours);
                return tiles;
            }
            catch
            {
                foreach (var t in tiles) t.Dispose();
                throw;
            }
        };
    }

    static long[,] Counts(SegmentationConfusion confusion)
    {
        var counts = new long[confusion.Classes, confusion.Classes];
        for (int t = 0; t < confusion.Classes; t++) for (int p = 0; p < confusion.Classes; p++) counts[t, p] = confusion[t, p];
        return counts;
    }
}
