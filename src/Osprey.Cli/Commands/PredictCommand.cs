using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Osprey.Training;
using Osprey.Training.Classification;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey predict</c>: the top classes (with names and probabilities) of each image of a file or folder.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "a checkpoint written by osprey train", Required = true };
        var source = new Option<string>("--source") { Description = "an image file or a folder of images", Required = true };
        var top = new Option<int>("--top") { Description = "how many classes to show per image", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "print JSON (one array of {source, top: [{class, name, probability}]})" };
        var command = new Command("predict", "Classify images with a trained model; prints the top-5 classes per image") { weights, source, top, json };
        command.SetAction(result => Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(source)!, result.GetValue(top), result.GetValue(json))));
        return command;
    }

    static int Run(string weights, string source, int top, bool json)
    {
        if (top < 1) return Cli.Usage($"--top {top}: expected an integer >= 1");
        var files = Classifier.ImageFiles(source);
        using var trained = TrainedModel.Load(weights);
        var predictions = new Classifier(trained).Predict(files, top);
        if (json)
        {
            var array = new JsonArray(predictions.Select(p => (JsonNode)new JsonObject
            {
                ["source"] = p.Source,
                ["top"] = new JsonArray(p.Top.Select(t => (JsonNode)new JsonObject
                {
                    ["class"] = t.Class, ["name"] = t.Name, ["probability"] = Math.Round(t.Probability, 6),
                }).ToArray()),
            }).ToArray());
            Console.WriteLine(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return Cli.Ok;
        }
        foreach (var p in predictions)
        {
            var list = string.Join(", ", p.Top.Select(t => $"{t.Name} {(100 * t.Probability).ToString("F1", CultureInfo.InvariantCulture)}%"));
            Console.WriteLine($"{p.Source}: {list}");
        }
        return Cli.Ok;
    }
}
