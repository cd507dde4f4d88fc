using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Data.Transforms.Detr;
using Osprey.Models.Detection.Detr;
using Osprey.Torch;

namespace Osprey.Training.Detection;

/// <summary>
/// Runs a trained DETR on image files as the official demo: the validation resize and normalization, every query's
/// best class, the objects above a score threshold (0.7 by default), boxes in the original image's pixels.
/// </summary>
public sealed class DetrDetector(TrainedModel trained)
{
    public const double DefaultThreshold = 0.7;

    readonly ITransform transform = DetrTransforms.Val(DetrTask.Sizes(trained.Info.ImageSize));
    readonly Models.IImageModel<DetrOutput> model = TrainingTask<DetrOutput>.Typed(trained.Model, "detect");

    public IEnumerable<IPrediction> Predict(IEnumerable<string> files, PredictRequest request)
    {
        foreach (var file in files)
        {
            var prediction = Detect(file, request.Confidence ?? DefaultThreshold);
            if (request.SaveDirectory != null) prediction.Save(request.SaveDirectory, request);
            yield return prediction;
        }
    }

    public DetectionPrediction Detect(string file, double threshold = DefaultThreshold)
    {
        using var scope = TensorScope.Begin();
        using var inference = Autograd.InferenceMode();
        var image = ImageCodec.Read(file, ImageReadMode.Rgb);
        var original = (image.Size(1), image.Size(2));
        var sample = transform.Apply(new Sample(image) { Source = file }, new Random(0));
        using var input = ImageBatch.FromImages([sample.Image]);
        using var output = model.Run(input);
        using var found = DetrPostProcess.Run(output, [original])[0];
        var scores = found.Scores.ToArray<float>();
        var labels = found.Labels.ToArray<long>();
        var boxes = found.Boxes.Contiguous().ToArray<float>();
        var objects = Enumerable.Range(0, scores.Length).Where(q => scores[q] >= threshold).OrderByDescending(q => scores[q])
            .Select(q => new DetectedObject((int)labels[q], trained.Classes[(int)labels[q]], scores[q], boxes[4 * q], boxes[4 * q + 1], boxes[4 * q + 2], boxes[4 * q + 3]))
            .ToArray();
        return new DetectionPrediction(file, objects);
    }
}
