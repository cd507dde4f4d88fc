using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Osprey.Data.Images;
using Osprey.Training;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey predict</c>: runs a trained model on image files, folders and globs, with its task's prediction
/// (classification: the top classes with names and probabilities). A file that cannot be read is reported on stderr
/// and skipped; the others are predicted, and the exit code is then 1 with the count.</summary>
public static class PredictCommand
{
    const int ChunkSize = 32;

    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "a checkpoint written by osprey train, or with --model an ultralytics .pt", Required = true };
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
        var device = DeviceOption.Create();
        var command = new Command("predict",
            "Run a trained model on images (classification: the top-5 classes per image; detection: boxes; segmentation: " +
            "class areas). Unreadable files are reported and skipped; the run then exits 1 with their count.")
        { weights, model, source, top, json, save, saveDir, saveTxt, conf, iou, maxDet, imgsz, lineWidth, hideLabels, hideConf, device };
        command.SetAction(result =>
        {
            if (DeviceOption.Check(result.GetValue(device)!) is { } refused) return refused;
            var request = new PredictRequest(Top: result.GetValue(top))
            {
                Confidence = result.GetValue(conf), Iou = result.GetValue(iou), MaxDetections = result.GetValue(maxDet),
                ImageSize = result.GetValue(imgsz), LineWidth = result.GetValue(lineWidth), HideLabels = result.GetValue(hideLabels),
                HideConfidence = result.GetValue(hideConf), SaveTxt = result.GetValue(saveTxt),
            };
            bool saving = result.GetValue(save) || result.GetValue(saveDir) != null || request.SaveTxt;
            return Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(model), result.GetValue(source)!, request, saving, result.GetValue(saveDir), result.GetValue(json)));
        });
        return command;
    }

    static int Run(string weights, string? model, string[] sources, PredictRequest request, bool save, string? saveDir, bool json)
    {
        if (request.Top < 1) return Cli.Usage($"--top {request.Top}: expected an integer >= 1");
        if (request.Confidence is < 0 or > 1) return Cli.Usage($"--conf {request.Confidence}: expected a value in [0, 1]");
        if (request.Iou is < 0 or > 1) return Cli.Usage($"--iou {request.Iou}: expected a value in [0, 1]");
        if (request.MaxDetections < 1) return Cli.Usage($"--max-det {request.MaxDetections}: expected an integer >= 1");
        var files = ImageFiles.Find(sources);
        using var trained = TrainedModel.Open(weights, model, Console.Error.WriteLine);
        var task = TaskRegistry.Get(trained.Info.Task, trained.Info.Model);
        if (save) request = request with { SaveDirectory = saveDir ?? RunFolder.Create("runs", trained.Info.Task, "predict") };
        var array = new JsonArray();
        int failed = 0;
        foreach (var chunk in files.Chunk(ChunkSize))
            foreach (var prediction in PredictSkippingBad(task, trained, chunk, request, () => failed++))
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
    static List<IPrediction> PredictSkippingBad(ITrainingTask task, TrainedModel trained, string[] chunk, PredictRequest request, Action onFailure)
    {
        try
        {
            return task.Predict(trained, chunk, request).ToList();
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            // Found below, file by file.
        }
        var result = new List<IPrediction>();
        foreach (var file in chunk)
            try
            {
                result.AddRange(task.Predict(trained, [file], request));
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
