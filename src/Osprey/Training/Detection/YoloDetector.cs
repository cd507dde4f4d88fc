using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Data.Transforms.Detection;
using Osprey.Models;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Boxes;
using Osprey.Torch;
using Osprey.Visuals;

namespace Osprey.Training.Detection;

/// <summary>One detected object: class, confidence and corners (x0, y0, x1, y1) in pixels of the original image.</summary>
public sealed record DetectedObject(int Class, string Name, double Confidence, float X0, float Y0, float X1, float Y1);

/// <summary>One image's detections, best first.</summary>
public sealed record DetectionPrediction(string Source, int Width, int Height, IReadOnlyList<DetectedObject> Objects) : IPrediction
{
    /// <summary>ultralytics' summary: the image size and the count per class ("256x192 2 Shirt, 1 Bag"), then each object.</summary>
    public string Text => $"{Width}x{Height} " + (Objects.Count == 0
        ? "(no detections)"
        : string.Join(", ", Objects.GroupBy(o => o.Name).Select(g => $"{g.Count()} {g.Key}")) + ": " +
          string.Join("; ", Objects.Select(o => FormattableString.Invariant($"{o.Name} {o.Confidence:0.00} [{o.X0:0.#}, {o.Y0:0.#}, {o.X1:0.#}, {o.Y1:0.#}]"))));

    /// <summary>COCO results style per object (category_id, bbox as x, y, width, height, score) plus the class name.</summary>
    public JsonNode ToJson() => new JsonObject
    {
        ["source"] = Source,
        ["width"] = Width,
        ["height"] = Height,
        ["detections"] = new JsonArray(Objects.Select(o => (JsonNode)new JsonObject
        {
            ["category_id"] = o.Class,
            ["name"] = o.Name,
            ["bbox"] = new JsonArray(Round(o.X0), Round(o.Y0), Round(o.X1 - o.X0), Round(o.Y1 - o.Y0)),
            ["score"] = Math.Round(o.Confidence, 5),
        }).ToArray()),
    };

    /// <summary>ultralytics' --save-txt lines with --save-conf: class cx cy w h confidence, normalized to the image.</summary>
    public string YoloText()
    {
        var text = new StringBuilder();
        foreach (var o in Objects)
            text.Append(CultureInfo.InvariantCulture, $"{o.Class} {(o.X0 + o.X1) / 2 / Width:0.######} {(o.Y0 + o.Y1) / 2 / Height:0.######} " +
                                                      $"{(o.X1 - o.X0) / Width:0.######} {(o.Y1 - o.Y0) / Height:0.######} {o.Confidence:0.######}\n");
        return text.ToString();
    }

    static JsonNode Round(float v) => Math.Round((double)v, 3);
}

/// <summary>
/// A trained YOLO model on image files, as ultralytics predicts: letterbox to the training size (or the request's),
/// NMS (conf 0.25, IoU 0.7, 300 detections unless asked otherwise), boxes scaled back to each original image.
/// <code>
/// using var trained = TrainedModel.Load("runs/detect/train/best.ckpt");
/// foreach (var o in new YoloDetector(trained).Detect("street.jpg").Objects) Console.WriteLine($"{o.Name} {o.Confidence}");
/// </code>
/// </summary>
public sealed class YoloDetector
{
    public const double DefaultConfidence = 0.25, DefaultIou = 0.7;

    readonly TrainedModel trained;
    readonly IImageModel<DetectionOutput> model;
    readonly LetterBox letterBox;
    readonly ITransform toFloat = new ToFloat();

    public NmsOptions Nms { get; }
    public int ImageSize => letterBox.Height;

    public YoloDetector(TrainedModel trained, PredictRequest? request = null)
    {
        request ??= new PredictRequest();
        this.trained = trained;
        model = YoloTask.Typed(trained.Model, "detect");
        trained.Model.Eval();
        letterBox = new LetterBox(request.ImageSize ?? trained.Info.ImageSize);
        Nms = new NmsOptions
        {
            Confidence = request.Confidence ?? DefaultConfidence,
            Iou = request.Iou ?? DefaultIou,
            MaxDetections = request.MaxDetections,
            Classes = request.Classes,
            Agnostic = request.Agnostic,
        };
    }

    public DetectionPrediction Detect(string file) => Detect([file])[0];

    /// <summary>Detects on each file (one batch; images are decoded as RGB).</summary>
    public IReadOnlyList<DetectionPrediction> Detect(IReadOnlyList<string> files)
    {
        if (files.Count == 0) return [];
        var result = new List<DetectionPrediction>();
        using var scope = TensorScope.Begin();
        using var inference = Autograd.InferenceMode();
        var sizes = new List<(int Width, int Height)>();
        var inputs = new List<Tensor>();
        foreach (var file in files)
        {
            var image = ImageCodec.Read(file, ImageReadMode.Rgb);
            sizes.Add(((int)image.Size(2), (int)image.Size(1)));
            inputs.Add(toFloat.Apply(letterBox.Apply(new Sample(image) { Source = file }), Random.Shared).Image);
        }
        using var input = ImageBatch.FromTensor(Tensor.Stack(inputs.ToArray()));
        using var output = model.Run(input);
        var kept = NonMaxSuppression.Apply(output, Nms);
        for (int i = 0; i < files.Count; i++)
        {
            var (width, height) = sizes[i];
            var d = Detections.FromRows(kept[i], letterBox.GeometryFor(width, height), width, height);
            var objects = Enumerable.Range(0, d.Scores.Length).Select(k => new DetectedObject(d.Classes[k], trained.Classes[d.Classes[k]], d.Scores[k],
                d.Boxes[4 * k], d.Boxes[4 * k + 1], d.Boxes[4 * k + 2], d.Boxes[4 * k + 3])).ToArray();
            result.Add(new DetectionPrediction(files[i], width, height, objects));
        }
        return result;
    }

    /// <summary>Writes the source image with its boxes, names and confidences drawn into <paramref name="folder"/> under
    /// the source's file name (.png unless the source is a JPEG), and with <see cref="PredictRequest.SaveTxt"/> the YOLO
    /// txt into <c>folder/labels/NAME.txt</c>, as ultralytics' predict --save --save-txt. Returns the image's path.</summary>
    public string Save(DetectionPrediction prediction, string folder, PredictRequest? request = null)
    {
        request ??= new PredictRequest();
        Directory.CreateDirectory(folder);
        var name = Path.GetFileNameWithoutExtension(prediction.Source);
        var extension = Path.GetExtension(prediction.Source).ToLowerInvariant() is ".jpg" or ".jpeg" ? ".jpg" : ".png";
        var path = Path.Combine(folder, name + extension);
        using (var scope = TensorScope.Begin())
        using (var bitmap = TensorBitmap.ToBitmap(ImageCodec.Read(prediction.Source, ImageReadMode.Rgb)))
        {
            using (var annotator = new Annotator(bitmap, request.LineWidth))
                foreach (var o in prediction.Objects)
                    annotator.Box(o.X0, o.Y0, o.X1, o.Y1, o.Class,
                                  request.HideLabels ? null : Annotator.Label(o.Name, request.HideConfidence ? null : o.Confidence));
            ImageFile.Write(path, bitmap);
        }
        if (request.SaveTxt)
        {
            var labels = Path.Combine(folder, "labels");
            Directory.CreateDirectory(labels);
            File.WriteAllText(Path.Combine(labels, name + ".txt"), prediction.YoloText());
        }
        return path;
    }
}
