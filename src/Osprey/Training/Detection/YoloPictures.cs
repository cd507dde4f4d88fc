using Osprey.Data;
using Osprey.Metrics.Detection;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Boxes;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Visuals.Plots;
using Osprey.Visuals.Report;
using ScottPlot;

namespace Osprey.Training.Detection;

/// <summary>
/// The YOLO detect run's pictures: <see cref="DetectionPictures"/> plus what ultralytics' validator plots from its
/// metrics — PR_curve.png, F1_curve.png, P_curve.png, R_curve.png (ap_per_class' curves, for the classes with labels;
/// none when no detection matched, as ultralytics computes no curves then) — and the per-class table.
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
        var pictures = new List<(string File, Action<string> Write)>(ConfusionPictures(yolo.Confusion));
        if (yolo.Result.Curves is { } curves)
            foreach (var (file, build) in CurvePlots(curves, Data.Classes))
                pictures.Add((file, path =>
                {
                    using var plot = build();
                    PlotImage.Save(path, plot, 900, 600);
                }));
        return pictures;
    }

    /// <summary>PR_curve.png, F1_curve.png, P_curve.png and R_curve.png from ap_per_class' result: x its 1000-point grid
    /// (recall for the PR curve, confidence for the others), one line per class with labels.</summary>
    public static List<(string File, Func<Plot> Build)> CurvePlots(UltralyticsApResult curves, IReadOnlyList<string> names)
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
