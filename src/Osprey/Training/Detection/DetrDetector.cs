using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Data.Transforms.Detr;
using Osprey.Models.Detection.Detr;
using Osprey.Torch;
using Osprey.Visuals;
using SkiaSharp;

namespace Osprey.Training.Detection;

/// <summary>
/// Runs a trained DETR on image files as the official demo: the validation resize and normalization, every query's
/// best class, the objects above a score threshold (0.7 by default), boxes in the original image's pixels; on request
/// each kept query's cross-attention map beside its box, as the official attention notebook.
/// </summary>
public sealed class DetrDetector(TrainedModel trained)
{
    public const double DefaultThreshold = 0.7;
    /// <summary>The sub-folder of the save directory that holds the attention pictures.</summary>
    public const string AttentionFolder = "attention";

    readonly ITransform transform = DetrTransforms.Val(DetrTask.Sizes(trained.Info.ImageSize));
    readonly Models.IImageModel<DetrOutput> model = TrainingTask<DetrOutput>.Typed(trained.Model, "detect");

    public IEnumerable<IPrediction> Predict(IEnumerable<string> files, PredictRequest request)
    {
        foreach (var file in files)
        {
            var threshold = request.Confidence ?? DefaultThreshold;
            var prediction = request is { Attention: true, SaveDirectory: { } folder }
                ? DetectWithAttention(file, threshold, Path.Combine(folder, AttentionFolder), request).Prediction
                : Detect(file, threshold);
            if (request.SaveDirectory != null) YoloDetector.Save(prediction, request.SaveDirectory, request);
            yield return prediction;
        }
    }

    public DetectionPrediction Detect(string file, double threshold = DefaultThreshold) => Run(file, threshold, null, null).Prediction;

    /// <summary>Detects as <see cref="Detect"/> and writes, for every kept object, the last decoder layer's cross-attention
    /// of its query beside its box (<see cref="AttentionPicture"/>) into <paramref name="folder"/> as NAME_qQUERY.jpg,
    /// in the prediction's order (highest score first). Returns the prediction and the pictures' paths.</summary>
    public (DetectionPrediction Prediction, IReadOnlyList<string> Pictures) DetectWithAttention(string file, double threshold, string folder,
                                                                                                 PredictRequest? request = null) =>
        Run(file, threshold, folder, request ?? new PredictRequest());

    (DetectionPrediction Prediction, IReadOnlyList<string> Pictures) Run(string file, double threshold, string? attentionFolder, PredictRequest? request)
    {
        using var scope = TensorScope.Begin();
        using var inference = Autograd.InferenceMode();
        var image = ImageCodec.Read(file, ImageReadMode.Rgb);
        var original = (image.Size(1), image.Size(2));
        var sample = transform.Apply(new Sample(image) { Source = file }, new Random(0));
        using var input = ImageBatch.FromImages([sample.Image]);
        using var attention = attentionFolder is null ? null : new DetrCrossAttention(Detr);
        using var output = model.Run(input);
        using var found = DetrPostProcess.Run(output, [original])[0];
        var scores = found.Scores.ToArray<float>();
        var labels = found.Labels.ToArray<long>();
        var boxes = found.Boxes.Contiguous().ToArray<float>();
        var kept = Enumerable.Range(0, scores.Length).Where(q => scores[q] >= threshold).OrderByDescending(q => scores[q]).ToArray();
        var objects = kept
            .Select(q => new DetectedObject((int)labels[q], trained.Classes[(int)labels[q]], scores[q], boxes[4 * q], boxes[4 * q + 1], boxes[4 * q + 2], boxes[4 * q + 3]))
            .ToArray();
        var prediction = new DetectionPrediction(file, objects);
        if (attention is null) return (prediction, []);

        // Each feature cell covers stride x stride pixels of the resized input, which the map is drawn back over the original.
        var maps = attention.Maps.Select(0, 0).Contiguous();
        int h = (int)maps.Size(1), w = (int)maps.Size(2);
        double stride = Detr.Options.Dilation ? 16 : 32;
        double cellHeight = stride * original.Item1 / sample.Image.Size(1), cellWidth = stride * original.Item2 / sample.Image.Size(2);
        Directory.CreateDirectory(attentionFolder!);
        using var bitmap = TensorBitmap.ToBitmap(image);
        var pictures = new List<string>();
        for (int k = 0; k < kept.Length; k++)
        {
            var o = objects[k];
            var map = new AttentionMap(maps.Select(0, kept[k]).ToArray<float>(), h, w, cellHeight, cellWidth);
            string? label = request!.HideLabels ? null : Annotator.Label(o.Name, request.HideConfidence ? null : o.Score);
            using var picture = AttentionPicture.Draw(bitmap, map, new SKRect(o.X0, o.Y0, o.X1, o.Y1), o.Class, label, request.LineWidth);
            var path = Path.Combine(attentionFolder!, $"{Path.GetFileNameWithoutExtension(file)}_q{kept[k]}.jpg");
            ImageFile.Write(path, picture);
            pictures.Add(path);
        }
        return (prediction, pictures);
    }

    Detr Detr => trained.Model as Detr
        ?? throw new InvalidOperationException($"{trained.Path}: model {trained.Info.Model} is not a DETR; only DETR has cross-attention maps");
}
