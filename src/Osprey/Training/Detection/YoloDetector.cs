using System.Globalization;
using System.Text;
using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Data.Transforms.Detection;
using Osprey.Models;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Boxes;
using Osprey.Torch;

namespace Osprey.Training.Detection;

/// <summary>
/// A trained YOLO model on image files, as ultralytics predicts: letterbox to the training size (or the request's),
/// NMS (conf 0.25, IoU 0.7, 300 detections unless asked otherwise), boxes scaled back to each original image.
/// <code>
/// using var trained = TrainedModel.Load("runs/detect/train/best.ckpt");
/// foreach (var o in new YoloDetector(trained).Detect("street.jpg").Objects) Console.WriteLine($"{o.Name} {o.Score}");
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
        Nms = NmsFor(request);
    }

    /// <summary>The NMS settings of a request, ultralytics' defaults where it sets none.</summary>
    public static NmsOptions NmsFor(PredictRequest request) => new()
    {
        Confidence = request.Confidence ?? DefaultConfidence,
        Iou = request.Iou ?? DefaultIou,
        MaxDetections = request.MaxDetections,
        Classes = request.Classes,
        Agnostic = request.Agnostic,
    };

    /// <summary>The objects of one image's detections (<see cref="Detections"/>), named by <paramref name="classes"/>.</summary>
    public static DetectedObject[] Objects(Detections d, IReadOnlyList<string> classes) =>
        Enumerable.Range(0, d.Scores.Length).Select(k => new DetectedObject(d.Classes[k], classes[d.Classes[k]], d.Scores[k],
            d.Boxes[4 * k], d.Boxes[4 * k + 1], d.Boxes[4 * k + 2], d.Boxes[4 * k + 3])).ToArray();

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
            result.Add(new DetectionPrediction(files[i], Objects(d, trained.Classes)));
        }
        return result;
    }

    /// <summary>Writes the source image with its boxes, names and confidences drawn into <paramref name="folder"/>
    /// (<see cref="DetectionPrediction.Save"/>) and, with <see cref="PredictRequest.SaveTxt"/>, the objects as ultralytics'
    /// --save-txt --save-conf lines (class cx cy w h confidence, normalized) into <c>folder/labels/NAME.txt</c>.
    /// Returns the image's path.</summary>
    public static string Save(DetectionPrediction prediction, string folder, PredictRequest request)
    {
        var path = prediction.Save(folder, request);
        if (request.SaveTxt)
        {
            var labels = Directory.CreateDirectory(Path.Combine(folder, "labels")).FullName;
            using var image = ImageCodec.Read(prediction.Source, ImageReadMode.Rgb);
            File.WriteAllText(Path.Combine(labels, Path.GetFileNameWithoutExtension(prediction.Source) + ".txt"),
                              YoloText(prediction, (int)image.Size(2), (int)image.Size(1)));
        }
        return path;
    }

    public static string YoloText(DetectionPrediction prediction, int width, int height)
    {
        var text = new StringBuilder();
        foreach (var o in prediction.Objects)
            text.Append(CultureInfo.InvariantCulture, $"{o.Class} {(o.X0 + o.X1) / 2 / width:0.######} {(o.Y0 + o.Y1) / 2 / height:0.######} " +
                                                      $"{(o.X1 - o.X0) / width:0.######} {(o.Y1 - o.Y0) / height:0.######} {o.Score:0.######}\n");
        return text.ToString();
    }
}
