using Microsoft.ML.OnnxRuntime;
using Osprey.Training;

namespace Osprey.Inference.Onnx;

/// <summary>
/// Any file written by <c>osprey export</c>, run with ONNX Runtime by the predictor of its task (metadata <c>task</c>
/// and the outputs: <see cref="OnnxClassifier"/>, <see cref="OnnxYoloDetector"/>, <see cref="OnnxDetrDetector"/>,
/// <see cref="OnnxSegmenter"/>), giving the native predictors' records: classification top classes, detections,
/// segmentation class areas (a <see cref="HostSegmentation"/> with its mask). No libtorch is needed. The request's top-k, thresholds, classes and batch size apply as
/// in <c>osprey predict</c>.
/// <code>
/// using var predictor = OnnxPredictor.Open("best.onnx");
/// foreach (var p in predictor.Predict(["a.jpg", "b.jpg"])) Console.WriteLine($"{p.Source}: {p.Text}");
/// </code>
/// </summary>
public sealed class OnnxPredictor : IDisposable
{
    readonly IDisposable runner;
    readonly Func<IReadOnlyList<string>, IEnumerable<IPrediction>> predict;
    readonly int batchSize;

    public string Task { get; }
    public IReadOnlyList<string> Classes { get; }

    OnnxPredictor(string task, IReadOnlyList<string> classes, IDisposable runner, Func<IReadOnlyList<string>, IEnumerable<IPrediction>> predict, int batchSize) =>
        (Task, Classes, this.runner, this.predict, this.batchSize) = (task, classes, runner, predict, batchSize);

    public static OnnxPredictor Open(string path, PredictRequest? request = null, SessionOptions? options = null)
    {
        request ??= new PredictRequest();
        var file = new OnnxModelFile(path, null, options);
        int batch = Math.Max(1, request.BatchSize);
        switch (file.Task)
        {
            case "classify":
                var classifier = new OnnxClassifier(file);
                return new(file.Task, file.Names, classifier, files => classifier.Predict(files, request.Top, batch), batch);
            case "segment":
                var segmenter = new OnnxSegmenter(file);
                return new(file.Task, file.Names, segmenter, files => files.Select(f => segmenter.Segment(f)), batch);
            case "detect" when OnnxDetrDetector.IsDetr(file):
                var detr = new OnnxDetrDetector(file);
                double threshold = request.Confidence ?? Training.Detection.DetrDetector.DefaultThreshold;
                return new(file.Task, file.Names, detr, files => files.Select(f => detr.Detect(f, threshold)), batch);
            case "detect":
                var yolo = new OnnxYoloDetector(file, request);
                return new(file.Task, file.Names, yolo, files => yolo.Detect(files), batch);
            default:
                file.Dispose();
                throw new InvalidDataException($"{path}: task '{file.Task}' has no ONNX predictor (classify, detect, segment)");
        }
    }

    /// <summary>Predicts every file, in order, a batch of the request's size at a time.</summary>
    public IEnumerable<IPrediction> Predict(IEnumerable<string> files)
    {
        foreach (var chunk in files.Chunk(batchSize))
            foreach (var prediction in predict(chunk)) yield return prediction;
    }

    public void Dispose() => runner.Dispose();
}
