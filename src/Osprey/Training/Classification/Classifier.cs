using System.Globalization;
using System.Text.Json.Nodes;
using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Models;
using Osprey.Models.Classification;
using Osprey.Torch;

namespace Osprey.Training.Classification;

/// <summary>One image's best classes, highest probability first.</summary>
public sealed record Prediction(string Source, IReadOnlyList<(int Class, string Name, double Probability)> Top) : IPrediction
{
    public string Text => string.Join(", ", Top.Select(t => $"{t.Name} {(100 * t.Probability).ToString("F1", CultureInfo.InvariantCulture)}%"));

    /// <summary>Writes the image with its top classes and probabilities drawn into <paramref name="folder"/> (atomically).</summary>
    public string Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, System.IO.Path.GetFileNameWithoutExtension(Source) + ".jpg");
        using var scope = TensorScope.Begin();
        using var bitmap = Visuals.TensorBitmap.ToBitmap(ImageCodec.Read(Source, ImageReadMode.Rgb));
        using (var annotator = new Visuals.Annotator(bitmap))
            annotator.TextLines(Top.Select(t => $"{t.Name} {t.Probability:0.00}").ToArray(), 2, 2, Visuals.Palette.Color(Top[0].Class));
        Visuals.ImageFile.Write(path, bitmap);
        return path;
    }

    public JsonNode ToJson() => new JsonObject
    {
        ["source"] = Source,
        ["top"] = new JsonArray(Top.Select(t => (JsonNode)new JsonObject
        {
            ["class"] = t.Class, ["name"] = t.Name, ["probability"] = Math.Round(t.Probability, 6),
        }).ToArray()),
    };
}

/// <summary>Runs a trained classifier on image files, preparing each image as validation did (channels, resize, normalize).</summary>
public sealed class Classifier(TrainedModel trained)
{
    readonly ITransform transform = ClassificationSource.EvalTransform(trained.Info.ImageSize, trained.Info.Mean, trained.Info.Std);
    readonly IImageModel<ClassificationOutput> model = ClassificationTask.Typed(trained.Model, "classify");

    public IEnumerable<Prediction> Predict(IEnumerable<string> files, int topK = 5, int batchSize = 32)
    {
        var mode = trained.Info.InChannels == 1 ? ImageReadMode.Gray : ImageReadMode.Rgb;
        foreach (var chunk in files.Chunk(batchSize))
            foreach (var prediction in PredictBatch(chunk, mode, topK)) yield return prediction;
    }

    // Under its own scope and without yielding inside it: the caller's code between items never lands in this scope.
    List<Prediction> PredictBatch(string[] chunk, ImageReadMode mode, int topK)
    {
        var result = new List<Prediction>();
        {
            using var scope = TensorScope.Begin();
            using var inference = Autograd.InferenceMode();
            var images = chunk.Select(f => transform.Apply(new Sample(ImageCodec.Read(f, mode)) { Source = f }, new Random(0)).Image).ToArray();
            using var input = ImageBatch.FromTensor(Tensor.Stack(images));
            var probabilities = model.Run(input).Logits.Softmax(1);
            int k = Math.Min(topK, trained.Classes.Count);
            var (values, indices) = probabilities.TopK(k, 1);
            var p = values.ToArray<float>();
            var ids = indices.ToArray<long>();
            for (int i = 0; i < chunk.Length; i++)
                result.Add(new Prediction(chunk[i], Enumerable.Range(0, k)
                    .Select(j => ((int)ids[i * k + j], trained.Classes[(int)ids[i * k + j]], (double)p[i * k + j])).ToArray()));
        }
        return result;
    }
}
