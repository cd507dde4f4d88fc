using Osprey.Data;
using Osprey.Data.Datasets.Detection;
using Osprey.Metrics;
using Osprey.Metrics.Detection;
using Osprey.Models.Detection.Detr;

namespace Osprey.Training.Detection;

/// <summary>
/// COCO evaluation of DETR's validation outputs, as the official evaluate(): every query post-processed to the image's
/// original pixels, compared with the original annotations (crowd regions included) by <see cref="CocoEvaluator"/>.
/// </summary>
public sealed class DetrEvaluator(int classes) : IEvaluator<DetrOutput>, IMergeableEvaluator
{
    public static readonly string[] Names = ["metrics/AP", "metrics/AP50", "metrics/AP75", "metrics/AR100"];

    readonly List<long> images = [];
    readonly List<CocoGroundTruth> truth = [];
    readonly List<CocoDetection> detections = [];
    CocoEvaluation? evaluation;

    /// <summary>ultralytics' detection confusion matrix of the post-processed queries against the non-crowd objects
    /// (confusion_matrix*.png).</summary>
    public UltralyticsConfusionMatrix Confusion { get; } = new(classes);

    /// <summary>ultralytics' detection metrics of every query against the same objects, for its PR / F1 / P / R curves
    /// (the run's pictures; COCO AP stays the reported metric).</summary>
    public UltralyticsDetectionMetrics Curves { get; } = new(classes);

    public void Add(DetrOutput output, Batch batch)
    {
        var found = DetrPostProcess.Run(output, batch.Input.OriginalSizes);
        for (int i = 0; i < batch.Count; i++)
        {
            var annotations = batch.Annotations.Count > i && batch.Annotations[i] is { } a ? a
                : throw new InvalidOperationException($"DETR evaluation: sample {batch.Sources[i] ?? batch.Indices[i].ToString()} carries no annotations");
            images.Add(annotations.ImageId);
            for (int j = 0; j < annotations.Count; j++)
            {
                var b = annotations.Boxes.AsSpan(4 * j, 4);
                truth.Add(new CocoGroundTruth(annotations.ImageId, (int)annotations.Classes[j], CocoBox.FromCorners(b[0], b[1], b[2], b[3]),
                                              annotations.Areas[j], annotations.Crowd[j]));
            }
            using var d = found[i];
            var scores = d.Scores.ToArray<float>();
            var labels = d.Labels.ToArray<long>();
            var boxes = d.Boxes.Contiguous().ToArray<float>();
            for (int q = 0; q < scores.Length; q++)
                detections.Add(CocoDetection.FromCorners(annotations.ImageId, (int)labels[q], boxes[4 * q], boxes[4 * q + 1], boxes[4 * q + 2],
                                                         boxes[4 * q + 3], scores[q]));
            var (objects, objectClasses) = DetectionDataset.TrainingTargets(annotations);
            var (predicted, truthClasses) = (labels.Select(l => (int)l).ToArray(), objectClasses.Select(c => (int)c).ToArray());
            Confusion.Add(boxes, scores, predicted, objects, truthClasses);
            Curves.Add(boxes, scores, predicted, objects, truthClasses);
        }
        evaluation = null;
    }

    public void WriteState(BinaryWriter w)
    {
        w.WriteArray(images.ToArray());
        w.Write(truth.Count);
        foreach (var t in truth) t.Write(w);
        w.Write(detections.Count);
        foreach (var d in detections) d.Write(w);
        Confusion.WriteState(w);
        Curves.WriteState(w);
    }

    public void AppendState(BinaryReader r)
    {
        images.AddRange(r.ReadLongs("DETR evaluation images"));
        int objects = r.ReadLength("DETR evaluation objects");
        for (int i = 0; i < objects; i++) truth.Add(CocoGroundTruth.Read(r));
        int found = r.ReadLength("DETR evaluation detections");
        for (int i = 0; i < found; i++) detections.Add(CocoDetection.Read(r));
        Confusion.AppendState(r);
        Curves.AppendState(r);
        evaluation = null;
    }

    public CocoEvaluation Evaluation => evaluation ??= new CocoEvaluator(images, Enumerable.Range(0, classes), truth).Evaluate(detections);

    public IReadOnlyList<double> Values() => [Evaluation.AP, Evaluation.AP50, Evaluation.AP75, Evaluation.Stats[8]];

    public double Fitness => Evaluation.AP;
}
