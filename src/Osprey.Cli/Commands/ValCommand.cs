using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Osprey.Inference;
using Osprey.Training;
using Osprey.Training.Segmentation;
using Spectre.Console;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey val</c>: evaluates a trained model on a dataset's validation split (or <c>--split train</c>) with
/// its task's metrics (classification: top-1, top-5 and per-class accuracy); <c>--json</c> prints the report as JSON.</summary>
public static class ValCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "a checkpoint written by osprey train (best.ckpt or last.ckpt), an official DETR release .pth, or with --model an ultralytics .pt", Required = true };
        var model = new Option<string?>("--model") { Description = "load --weights, a file of another program (an ultralytics yolo11n.pt), as this model (then --data is needed)" };
        var data = new Option<string?>("--data") { Description = "the dataset [default: the one the model was trained on]" };
        var split = new Option<string>("--split")
        {
            Description = "which split of the data: val (a folder's val/ or test/, Fashion-MNIST's test set) or train",
            DefaultValueFactory = _ => "val",
        };
        var batch = new Option<int?>("--batch") { Description = "batch size [default: 256; segmentation: 1, mmsegmentation's test batch, so no image is padded to another's size]" };
        var workers = new Option<int>("--workers") { Description = "data-loading threads", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "print the report as one JSON object (headline, metrics as numbers, per-class rows)" };
        var device = DeviceOption.Create();
        var segmentation = new SegmentationTestFlags();
        var inference = InferenceOption.Create();
        var command = new Command("val", "Evaluate a trained model with its task's metrics (classification: top-1, top-5, per-class accuracy; " +
                                         "segmentation: mIoU and per-class IoU, optionally with multi-scale + flip TTA)")
        {
            weights, model, data, split, batch, workers, json, device, inference,
        };
        foreach (var option in segmentation.All) command.Options.Add(option);
        command.SetAction(result =>
        {
            if (DeviceOption.Check(result.GetValue(device)!) is { } refused) return refused;
            var (test, error) = segmentation.Read(result);
            if (error != null) return Cli.Usage(error);
            return Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(model), result.GetValue(data), result.GetValue(split)!,
                                     result.GetValue(batch), result.GetValue(workers), result.GetValue(json), test, result.GetValue(inference)));
        });
        return command;
    }

    static int Run(string weights, string? model, string? data, string split, int? batch, int workers, bool json, SegmentationTestOptions? test,
                   InferenceMode inference)
    {
        if (batch < 1) return Cli.Usage($"--batch {batch}: expected an integer >= 1");
        if (split is not ("val" or "train")) return Cli.Usage($"--split {split}: expected val or train");
        using var trained = TrainedModel.Open(weights, model, Console.Error.WriteLine);
        if (trained.Foreign && data == null) return Cli.Usage($"--data: {weights} is not an Osprey checkpoint, so it names no dataset to validate on");
        if (SegmentationTestFlags.RefuseForOtherTasks(test, trained.Info.Task, weights) is { } wrongTask) return Cli.Usage(wrongTask);
        InferenceOption.Prepare(trained, inference, data);
        var task = TaskRegistry.Get(trained.Info.Task, trained.Info.Model);
        var request = new ValidationRequest(data, batch ?? task.DefaultValidationBatch, workers, Split: split) { Segmentation = test };
        var report = task.Validate(trained, request);
        if (json)
        {
            Console.WriteLine(ToJson(report, trained, split).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return Cli.Ok;
        }
        Console.WriteLine(report.Headline);
        Console.WriteLine(string.Join("  ", report.Summary.Select(m => $"{m.Name} {m.Text}")));
        var table = new Table().Border(Console.IsOutputRedirected ? TableBorder.Ascii : TableBorder.Rounded);
        for (int c = 0; c < report.PerClass.Columns.Count; c++)
            table.AddColumn(c == 0 ? new TableColumn(report.PerClass.Columns[c]) : new TableColumn(report.PerClass.Columns[c]).RightAligned());
        foreach (var row in report.PerClass.Rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
        return Cli.Ok;
    }

    /// <summary>{weights, task, split, headline, metrics: {name: value}, per_class: [{column: cell}]}; metric values as numbers (NaN as null).</summary>
    static JsonObject ToJson(ValidationReport report, TrainedModel trained, string split)
    {
        var metrics = new JsonObject();
        foreach (var m in report.Summary) metrics[m.Name] = double.IsFinite(m.Value) ? JsonValue.Create(m.Value) : null;
        var rows = new JsonArray();
        foreach (var row in report.PerClass.Rows)
        {
            var item = new JsonObject();
            for (int c = 0; c < report.PerClass.Columns.Count && c < row.Count; c++) item[report.PerClass.Columns[c]] = row[c];
            rows.Add(item);
        }
        return new JsonObject
        {
            ["weights"] = trained.Path, ["task"] = trained.Info.Task, ["model"] = trained.Info.Model, ["epoch"] = trained.Epoch,
            ["split"] = split, ["headline"] = report.Headline, ["metrics"] = metrics, ["per_class"] = rows,
        };
    }
}
