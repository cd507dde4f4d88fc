using Osprey.Data;
using Osprey.Data.Transforms.Detection;
using Osprey.Metrics.Detection;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Boxes;
using Osprey.Torch;

namespace Osprey.Training.Detection;

/// <summary>
/// Validation metrics of the detect task during training, as ultralytics' DetectionValidator: NMS with its validation
/// settings (conf 0.001, IoU 0.7, 300 detections, multi-label), predictions and labels mapped back through the
/// letterbox to the original image's pixels, then <see cref="UltralyticsDetectionMetrics"/>. Values: precision,
/// recall, mAP50, mAP50-95 (<see cref="MetricNames"/>); fitness 0.1 mAP50 + 0.9 mAP50-95.
/// </summary>
public sealed class YoloEvaluator(int classes, LetterBox letterBox, NmsOptions? nms = null) : IEvaluator<DetectionOutput>, IMergeableEvaluator
{
    public static readonly IReadOnlyList<string> MetricNames =
        ["metrics/precision(B)", "metrics/recall(B)", "metrics/mAP50(B)", "metrics/mAP50-95(B)"];

    readonly NmsOptions nms = nms ?? NmsOptions.Validation;
    UltralyticsDetectionResult? result;

    public UltralyticsDetectionMetrics Metrics { get; } = new(classes);

    /// <summary>ultralytics' detection confusion matrix of the same detections (confusion_matrix*.png).</summary>
    public UltralyticsConfusionMatrix Confusion { get; } = new(classes);

    public void Add(DetectionOutput output, Batch batch)
    {
        if (!output.IsDecoded)
            throw new ArgumentException("detection metrics: the model output is not decoded (run the model in eval mode for validation)");
        var boxes = batch.Boxes ?? throw new ArgumentException($"detection metrics: batch {batch.Number} has no boxes");
        var labels = batch.BoxLabels!;
        using var scope = TensorScope.Begin();
        var detections = NonMaxSuppression.Apply(output, nms);
        for (int i = 0; i < batch.Count; i++)
        {
            var (height, width) = batch.Input.OriginalSizes[i];
            var geometry = letterBox.GeometryFor((int)width, (int)height);
            var predicted = Detections.FromRows(detections[i], geometry, (int)width, (int)height);
            var truth = LetterBox.ToOriginal(boxes[i].Float().ToArray<float>(), geometry, (int)width, (int)height);
            var truthClasses = labels[i].ToArray<long>().Select(c => (int)c).ToArray();
            Metrics.Add(predicted.Boxes, predicted.Scores, predicted.Classes, truth, truthClasses);
            Confusion.Add(predicted.Boxes, predicted.Scores, predicted.Classes, truth, truthClasses);
        }
        result = null;
    }

    public void WriteState(BinaryWriter writer)
    {
        Metrics.WriteState(writer);
        Confusion.WriteState(writer);
    }

    public void AppendState(BinaryReader reader)
    {
        Metrics.AppendState(reader);
        Confusion.AppendState(reader);
        result = null;
    }

    public UltralyticsDetectionResult Result => result ??= Metrics.Compute();

    public IReadOnlyList<double> Values() => [Result.Precision, Result.Recall, Result.MAP50, Result.MAP50To95];

    public double Fitness => Result.Fitness;
}
