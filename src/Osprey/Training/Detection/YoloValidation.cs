using System.Diagnostics;
using System.Globalization;
using Osprey.Data;
using Osprey.Data.Datasets.Detection;
using Osprey.Data.Transforms;
using Osprey.Data.Transforms.Detection;
using Osprey.Metrics.Detection;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Boxes;
using Osprey.Torch;

namespace Osprey.Training.Detection;

/// <summary>
/// A trained YOLO model on a dataset's validation split, both ways: ultralytics' validator numbers (per class and
/// overall) and pycocotools' 12 COCO statistics (<see cref="CocoEvaluator"/>: crowd regions ignored, areas from the
/// annotations), with predictions scaled back through the letterbox to the original pixels the ground truth is in.
/// Speed per image as ultralytics prints it: pre-process (letterbox + scaling + batching, after decoding), inference,
/// NMS, in milliseconds. <see cref="Occluded"/>: the COCO statistics over the objects more than 30% occluded by other
/// boxes (<see cref="OccludedSubset"/>).
/// </summary>
public sealed record YoloValidation(UltralyticsDetectionResult Ultralytics, CocoEvaluation Coco, CocoEvaluation Occluded, int OccludedObjects,
                                    IReadOnlyList<string> Classes,
                                    int[] ImagesPerClass, int[] InstancesPerClass, int Images, double PreprocessMs, double InferenceMs,
                                    double NmsMs, string Description)
{
    public static YoloValidation Run(TrainedModel trained, string? data = null, int batch = 32, Action<int, int>? progress = null)
    {
        var source = YoloData.Open(data ?? trained.Info.Options.Data);
        var val = source.Val;
        if (!val.Classes.SequenceEqual(trained.Classes))
            throw new InvalidDataException($"the model {trained.Path} knows classes [{string.Join(", ", trained.Classes)}]; " +
                                           $"{val.Source} has [{string.Join(", ", val.Classes)}]");
        var model = YoloTask.Typed(trained.Model, "detect");
        trained.Model.Eval();
        int classes = trained.Classes.Count;
        var letterBox = new LetterBox(trained.Info.ImageSize);
        var toFloat = new ToFloat();
        var metrics = new UltralyticsDetectionMetrics(classes);
        var groundTruth = new List<CocoGroundTruth>();
        var detections = new List<CocoDetection>();
        var imageIds = new List<long>();
        int[] imagesPerClass = new int[classes], instancesPerClass = new int[classes];
        var (pre, inference, nms) = (new Stopwatch(), new Stopwatch(), new Stopwatch());
        int batches = (val.Count + batch - 1) / batch, done = 0;
        using var noGrad = Autograd.InferenceMode();
        foreach (var chunk in Enumerable.Range(0, val.Count).Chunk(Math.Max(1, batch)))
        {
            using var scope = TensorScope.Begin();
            var samples = chunk.Select(val.Get).ToArray();
            pre.Start();
            var inputs = samples.Select(s => toFloat.Apply(letterBox.Apply(s), Random.Shared).Image).ToArray();
            using var input = ImageBatch.FromTensor(Tensor.Stack(inputs));
            pre.Stop();
            inference.Start();
            using var output = model.Run(input);
            inference.Stop();
            nms.Start();
            var kept = NonMaxSuppression.Apply(output, NmsOptions.Validation);
            nms.Stop();
            for (int i = 0; i < samples.Length; i++)
            {
                var truth = samples[i].Annotations ?? throw new InvalidDataException($"{val.Source}: sample {chunk[i]} carries no annotations");
                int width = (int)samples[i].Width, height = (int)samples[i].Height;
                var predicted = Detections.FromRows(kept[i], letterBox.GeometryFor(width, height), width, height);
                var (boxes, labels) = DetectionDataset.TrainingTargets(truth);
                var trueClasses = labels.Select(c => (int)c).ToArray();
                metrics.Add(predicted.Boxes, predicted.Scores, predicted.Classes, boxes, trueClasses);
                foreach (var c in trueClasses.Distinct()) imagesPerClass[c]++;
                foreach (var c in trueClasses) instancesPerClass[c]++;
                imageIds.Add(truth.ImageId);
                for (int a = 0; a < truth.Count; a++)
                {
                    var b = truth.Boxes.AsSpan(4 * a, 4);
                    groundTruth.Add(new CocoGroundTruth(truth.ImageId, (int)truth.Classes[a], CocoBox.FromCorners(b[0], b[1], b[2], b[3]),
                                                        truth.Areas[a], truth.Crowd[a]));
                }
                for (int d = 0; d < predicted.Scores.Length; d++)
                    detections.Add(CocoDetection.FromCorners(truth.ImageId, predicted.Classes[d], predicted.Boxes[4 * d], predicted.Boxes[4 * d + 1],
                                                             predicted.Boxes[4 * d + 2], predicted.Boxes[4 * d + 3], predicted.Scores[d]));
            }
            foreach (var s in samples) s.Dispose();
            progress?.Invoke(++done, batches);
        }
        var coco = new CocoEvaluator(imageIds, Enumerable.Range(0, classes), groundTruth).Evaluate(detections);
        var (occluded, occludedObjects) = OccludedSubset.Evaluate(imageIds, Enumerable.Range(0, classes), groundTruth, detections);
        double perImage(Stopwatch s) => s.Elapsed.TotalMilliseconds / Math.Max(1, val.Count);
        return new YoloValidation(metrics.Compute(), coco, occluded, occludedObjects, trained.Classes, imagesPerClass, instancesPerClass, val.Count,
                                  perImage(pre), perImage(inference), perImage(nms), val.Source);
    }

    /// <summary>ultralytics' table (all, then each class with labels), the summary and the 12 COCO statistics.</summary>
    public ValidationReport Report(TrainedModel trained)
    {
        var u = Ultralytics;
        var rows = new List<IReadOnlyList<string>>
        {
            Row("all", Images, InstancesPerClass.Sum(), u.Precision, u.Recall, u.MAP50, u.MAP50To95),
        };
        for (int c = 0; c < Classes.Count; c++)
        {
            if (InstancesPerClass[c] == 0) continue;
            var r = u.PerClass.FirstOrDefault(p => p.Class == c);
            rows.Add(Row(Classes[c], ImagesPerClass[c], InstancesPerClass[c], r?.Precision ?? 0, r?.Recall ?? 0, r?.MAP50 ?? 0, r?.MAP50To95 ?? 0));
        }
        var summary = new List<ReportMetric>
        {
            Metric(YoloEvaluator.MetricNames[0], u.Precision), Metric(YoloEvaluator.MetricNames[1], u.Recall),
            Metric(YoloEvaluator.MetricNames[2], u.MAP50), Metric(YoloEvaluator.MetricNames[3], u.MAP50To95),
            Metric("fitness", u.Fitness),
        };
        summary.AddRange(CocoEvaluation.StatNames.Zip(Coco.Stats, (name, value) => Metric("coco/" + name, value)));
        summary.Add(new ReportMetric("occluded/objects", OccludedObjects, OccludedObjects.ToString(CultureInfo.InvariantCulture)));
        summary.Add(Metric("occluded/AP", Occluded.AP));
        summary.Add(Metric("occluded/AP50", Occluded.AP50));
        summary.Add(Metric("occluded/AR100", Occluded.Stats[8]));
        summary.Add(new ReportMetric("speed/preprocess_ms", PreprocessMs, Ms(PreprocessMs)));
        summary.Add(new ReportMetric("speed/inference_ms", InferenceMs, Ms(InferenceMs)));
        summary.Add(new ReportMetric("speed/nms_ms", NmsMs, Ms(NmsMs)));
        return new ValidationReport(
            $"{trained.Info.Model} ({trained.Path}, epoch {trained.Epoch}{(trained.UsesEma ? ", EMA weights" : "")}) on {Description}: " +
            $"{Images} images, {InstancesPerClass.Sum()} instances. Speed: {Ms(PreprocessMs)} preprocess, {Ms(InferenceMs)} inference, " +
            $"{Ms(NmsMs)} NMS per image at shape (1, 3, {trained.Info.ImageSize}, {trained.Info.ImageSize})",
            summary, new ReportTable(["class", "images", "instances", "P", "R", "mAP50", "mAP50-95"], rows));
    }

    static IReadOnlyList<string> Row(string name, int images, int instances, double p, double r, double map50, double map) =>
        [name, images.ToString(CultureInfo.InvariantCulture), instances.ToString(CultureInfo.InvariantCulture), F3(p), F3(r), F3(map50), F3(map)];

    static ReportMetric Metric(string name, double value) => new(name, value, F3(value));
    static string F3(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
    static string Ms(double v) => v.ToString("F1", CultureInfo.InvariantCulture) + "ms";
}

/// <summary>NMS rows of one image as arrays, boxes in the original image's pixels.</summary>
public sealed record Detections(float[] Boxes, float[] Scores, int[] Classes)
{
    /// <summary>From NMS rows (K, 6: x0, y0, x1, y1, confidence, class) in network pixels, through the inverse letterbox.</summary>
    public static Detections FromRows(Tensor rows, LetterBoxGeometry geometry, int width, int height) =>
        FromRows(rows.ToArray<float>(), geometry, width, height);

    public static Detections FromRows(float[] values, LetterBoxGeometry geometry, int width, int height)
    {
        int k = values.Length / 6;
        var boxes = new float[4 * k];
        var scores = new float[k];
        var classes = new int[k];
        for (int r = 0; r < k; r++)
        {
            Array.Copy(values, 6 * r, boxes, 4 * r, 4);
            scores[r] = values[6 * r + 4];
            classes[r] = (int)values[6 * r + 5];
        }
        return new Detections(LetterBox.ToOriginal(boxes, geometry, width, height), scores, classes);
    }
}
