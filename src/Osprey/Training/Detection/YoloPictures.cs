using Osprey.Data;
using Osprey.Metrics.Detection;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Boxes;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Visuals.Report;

namespace Osprey.Training.Detection;

/// <summary>
/// The YOLO detect run's pictures: <see cref="DetectionPictures"/> plus what ultralytics' validator plots from its
/// metrics — the PR, F1, P and R curves (<see cref="DetectionPictures.CurvePictures"/>) — and the per-class table.
/// </summary>
public sealed class YoloPictures(TaskData data) : DetectionPictures(data)
{
    protected override IReadOnlyList<PictureBoxes> Predict(Module model, Batch batch)
    {
        var detector = TrainingTask<DetectionOutput>.Typed(model, "detect");
        using var scope = TensorScope.Begin();
        var output = detector.Run(batch.Input);
        var rows = NonMaxSuppression.Apply(output, new NmsOptions { Confidence = PlotConfidence });
        return rows.Take(Math.Min(batch.Count, Visuals.ImageGrid.MaxTiles)).Select(FromRows).ToList();
    }

    /// <summary>NMS rows (K, 6): x0, y0, x1, y1, confidence, class.</summary>
    static PictureBoxes FromRows(Tensor rows)
    {
        var values = rows.Float().Contiguous().ToArray<float>();
        int k = values.Length / 6;
        var boxes = new float[4 * k];
        for (int i = 0; i < k; i++) Array.Copy(values, 6 * i, boxes, 4 * i, 4);
        return new PictureBoxes(boxes, Enumerable.Range(0, k).Select(i => (int)values[6 * i + 5]).ToArray(),
                                Enumerable.Range(0, k).Select(i => values[6 * i + 4]).ToArray());
    }

    public override IReadOnlyList<(string File, Action<string> Write)> EvaluationPictures(object evaluator)
    {
        if (evaluator is not YoloEvaluator yolo) return [];
        return [.. ConfusionPictures(yolo.Confusion), .. CurvePictures(yolo.Result)];
    }

    public override IReadOnlyList<HtmlTable> Tables(object evaluator)
    {
        if (evaluator is not YoloEvaluator yolo) return [];
        var result = yolo.Result;
        var rows = result.PerClass.Select(c => (IReadOnlyList<string>)
        [
            c.Class < Data.Classes.Count ? Data.Classes[c.Class] : c.Class.ToString(), c.Images.ToString(), c.Instances.ToString(),
            c.Precision.ToString("0.000"), c.Recall.ToString("0.000"), c.MAP50.ToString("0.000"), c.MAP50To95.ToString("0.000"),
        ]).ToList();
        return [new HtmlTable("Per-class detection metrics (validation)", ["class", "images", "instances", "P", "R", "mAP50", "mAP50-95"], rows)];
    }
}
