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
        var weights = new Option<string>("--weights") { Description = "a checkpoint written by osprey train", Required = true };
        var source = new Option<string[]>("--source")
        {
            Description = "image files, folders (searched recursively) or globs (shots/*.jpg, data/**/*.png; quote them from the shell); repeatable",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var top = new Option<int>("--top") { Description = "classification: how many classes to show per image", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "print JSON: one array with an object per image" };
        var device = DeviceOption.Create();
        var command = new Command("predict",
            "Run a trained model on images (classification: the top-5 classes per image). Unreadable files are reported and " +
            "skipped; the run then exits 1 with their count.")
        { weights, source, top, json, device };
        command.SetAction(result => DeviceOption.Check(result.GetValue(device)!)
                                    ?? Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(source)!, result.GetValue(top), result.GetValue(json))));
        return command;
    }

    static int Run(string weights, string[] sources, int top, bool json)
    {
        if (top < 1) return Cli.Usage($"--top {top}: expected an integer >= 1");
        var files = ImageFiles.Find(sources);
        using var trained = TrainedModel.Load(weights);
        var task = TaskRegistry.Get(trained.Info.Task, trained.Info.Model);
        var request = new PredictRequest(Top: top);
        var array = new JsonArray();
        int failed = 0;
        foreach (var chunk in files.Chunk(ChunkSize))
            foreach (var prediction in PredictSkippingBad(task, trained, chunk, request, () => failed++))
            {
                if (json) array.Add(prediction.ToJson());
                else Console.WriteLine($"{prediction.Source}: {prediction.Text}");
            }
        if (json) Console.WriteLine(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
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
