using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Osprey.Data.Images;
using Osprey.Inference;
using Osprey.Inference.Onnx;
using Osprey.Models;
using Osprey.Torch;
using Osprey.Training;
using Osprey.Training.Classification;
using Osprey.Training.Detection;
using Osprey.Training.Segmentation;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey predict</c>: runs a trained model on image files, folders and globs, with its task's prediction
/// (classification: the top classes with names and probabilities). A file that cannot be read is reported on stderr
/// and skipped; the others are predicted, and the exit code is then 1 with the count.</summary>
public static class PredictCommand
{
    const int ChunkSize = 32;

    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "a checkpoint written by osprey train, an official DETR release .pth, with --model an ultralytics .pt, or an .onnx file written by osprey export (run by ONNX Runtime)", Required = true };
        var model = new Option<string?>("--model") { Description = "load --weights, a file of another program (an ultralytics yolo11n.pt), as this model" };
        var source = new Option<string[]>("--source")
        {
            Description = "image files, folders (searched recursively) or globs (shots/*.jpg, data/**/*.png; quote them from the shell); repeatable",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var top = new Option<int>("--top") { Description = "classification: how many classes to show per image", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "print JSON: one array with an object per image" };
        var save = new Option<bool>("--save") { Description = "write annotated images (detection: boxes; segmentation: overlay and index mask PNG) to --save-dir" };
        var saveDir = new Option<string?>("--save-dir") { Description = "where --save writes (default runs/<task>/predict, predict2, ...)" };
        var saveTxt = new Option<bool>("--save-txt") { Description = "detection: also write YOLO txt labels with confidences" };
        var conf = new Option<double?>("--conf") { Description = "detection: minimum confidence (default 0.25 YOLO, 0.7 DETR)" };
        var iou = new Option<double?>("--iou") { Description = "detection: NMS IoU threshold (default 0.7)" };
        var maxDet = new Option<int>("--max-det") { Description = "detection: at most this many boxes per image", DefaultValueFactory = _ => 300 };
        var imgsz = new Option<int?>("--imgsz") { Description = "input side (default: the training size)" };
        var lineWidth = new Option<int>("--line-width") { Description = "box line width in pixels", DefaultValueFactory = _ => 2 };
        var hideLabels = new Option<bool>("--hide-labels") { Description = "draw boxes without names" };
        var hideConf = new Option<bool>("--hide-conf") { Description = "draw names without confidences" };
        var attention = new Option<bool>("--attention")
        {
            Description = "DETR: also save each kept object's cross-attention map (the last decoder layer's, averaged over heads) beside its box, under <save-dir>/attention",
        };
        var device = DeviceOption.Create();
        var segmentation = new SegmentationTestFlags();
        var inference = InferenceOption.Create();
        var command = new Command("predict",
            "Run a trained model on images (classification: the top-5 classes per image; detection: boxes; segmentation: " +
            "class areas). Unreadable files are reported and skipped; the run then exits 1 with their count.")
        { weights, model, source, top, json, save, saveDir, saveTxt, conf, iou, maxDet, imgsz, lineWidth, hideLabels, hideConf, attention, device, inference };
        foreach (var option in segmentation.All) command.Options.Add(option);
        command.SetAction(result =>
        {
            if (DeviceOption.Check(result.GetValue(device)!) is { } refused) return refused;
            var (test, error) = segmentation.Read(result);
            if (error != null) return Cli.Usage(error);
            var request = new PredictRequest(Top: result.GetValue(top))
            {
                Confidence = result.GetValue(conf), Iou = result.GetValue(iou), MaxDetections = result.GetValue(maxDet),
                ImageSize = result.GetValue(imgsz), LineWidth = result.GetValue(lineWidth), HideLabels = result.GetValue(hideLabels),
                HideConfidence = result.GetValue(hideConf), SaveTxt = result.GetValue(saveTxt), Attention = result.GetValue(attention), Segmentation = test,
            };
            bool saving = result.GetValue(save) || result.GetValue(saveDir) != null || request.SaveTxt || request.Attention;
            return Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(model), result.GetValue(source)!, request, saving, result.GetValue(saveDir),
                                     result.GetValue(json), result.GetValue(inference)));
        });
        return command;
    }

    static int Run(string weights, string? model, string[] sources, PredictRequest request, bool save, string? saveDir, bool json,
                   InferenceMode inference)
    {
        if (request.Top < 1) return Cli.Usage($"--top {request.Top}: expected an integer >= 1");
        if (request.Confidence is < 0 or > 1) return Cli.Usage($"--conf {request.Confidence}: expected a value in [0, 1]");
        if (request.Iou is < 0 or > 1) return Cli.Usage($"--iou {request.Iou}: expected a value in [0, 1]");
        if (request.MaxDetections < 1) return Cli.Usage($"--max-det {request.MaxDetections}: expected an integer >= 1");
        var files = ImageFiles.Find(sources);
        if (weights.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            if (model != null) return Cli.Usage($"--model: {weights} is an ONNX file, whose metadata names its task and classes (leave --model out)");
            if (request.Attention) return Cli.Usage($"--attention: {weights} is an ONNX file, which has no attention maps (predict with the checkpoint)");
            if (request.Segmentation != null) return Cli.Usage($"{weights} is an ONNX file: test-time augmentation and window options need the checkpoint");
            return RunOnnx(weights, files, request, save, saveDir, json);
        }
        using var trained = TrainedModel.Open(weights, model, Console.Error.WriteLine);
        if (SegmentationTestFlags.RefuseForOtherTasks(request.Segmentation, trained.Info.Task, weights) is { } wrongTask) return Cli.Usage(wrongTask);
        InferenceOption.Prepare(trained, inference);
        var task = TaskRegistry.Get(trained.Info.Task, trained.Info.Model);
        if (request.Attention && ModelRegistry.Get(trained.Info.Model).Family != "detr")
            return Cli.Usage($"--attention: {weights} holds {trained.Info.Model}; only DETR models have cross-attention maps");
        if (save) request = request with { SaveDirectory = saveDir ?? RunFolder.Create("runs", trained.Info.Task, "predict") };
        return Report(files, chunk => task.Predict(trained, chunk, request), request, json);
    }

    /// <summary>An exported file run by ONNX Runtime (<see cref="OnnxPredictor"/>); pictures drawn as for a checkpoint
    /// (segmentation masks in the PASCAL VOC colours: the file records no palette).</summary>
    static int RunOnnx(string weights, IReadOnlyList<string> files, PredictRequest request, bool save, string? saveDir, bool json)
    {
        using var predictor = OnnxPredictor.Open(weights, request);
        Console.Error.WriteLine($"osprey predict: {weights} ({predictor.Task}, {predictor.Classes.Count} classes) on ONNX Runtime");
        if (save) request = request with { SaveDirectory = saveDir ?? RunFolder.Create("runs", predictor.Task, "predict") };
        var palette = Rgb.VocColormap(predictor.Classes.Count);
        IPrediction Saved(IPrediction prediction)
        {
            if (request.SaveDirectory is not { } folder) return prediction;
            switch (prediction)
            {
                case Prediction top:
                    top.Save(folder);
                    return top;
                case DetectionPrediction detected:
                    YoloDetector.Save(detected, folder, request);
                    return detected;
                case HostSegmentation segmented:
                    using (var scope = TensorScope.Begin())
                    {
                        var mask = Tensor.From(segmented.Mask, segmented.Height, segmented.Width);
                        var (maskFile, overlayFile) = Segmenter.Save(segmented.Source, ImageCodec.Read(segmented.Source, ImageReadMode.Rgb), mask, palette, folder);
                        return segmented.ToPrediction() with { MaskFile = maskFile, OverlayFile = overlayFile };
                    }
                default:
                    return prediction;
            }
        }
        return Report(files, chunk => predictor.Predict(chunk).Select(Saved), request, json);
    }

    /// <summary>Predicts the files a chunk at a time, printing text or one JSON array; the exit code counts unreadable files.</summary>
    static int Report(IReadOnlyList<string> files, Func<string[], IEnumerable<IPrediction>> predict, PredictRequest request, bool json)
    {
        var array = new JsonArray();
        int failed = 0;
        foreach (var chunk in files.Chunk(ChunkSize))
            foreach (var prediction in PredictSkippingBad(predict, chunk, () => failed++))
            {
                if (json) array.Add(prediction.ToJson());
                else Console.WriteLine($"{prediction.Source}: {prediction.Text}");
            }
        if (json) Console.WriteLine(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (request.SaveDirectory != null) Console.Error.WriteLine($"osprey predict: pictures in {request.SaveDirectory}");
        if (failed == 0) return Cli.Ok;
        Console.Error.WriteLine($"osprey predict: {failed} of {files.Count} file(s) could not be read (listed above); the other {files.Count - failed} were predicted");
        return Cli.Failure;
    }

    /// <summary>A chunk predicted at once; when one of its files cannot be read, file by file so that only that one is lost.</summary>
    static List<IPrediction> PredictSkippingBad(Func<string[], IEnumerable<IPrediction>> predict, string[] chunk, Action onFailure)
    {
        try
        {
            return predict(chunk).ToList();
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            // Found below, file by file.
        }
        var result = new List<IPrediction>();
        foreach (var file in chunk)
            try
            {
                result.AddRange(predict([file]));
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                Console.Error.WriteLine($"osprey predict: skipped {file}: {e.Message}");
                onFailure();
            }
        return result;
    }

    static bool IsUnreadable(Exception e) => e is ImageDecodeException or IOException or InvalidDataException or UnauthorizedAccessException;
}
