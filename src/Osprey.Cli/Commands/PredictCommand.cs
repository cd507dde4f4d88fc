using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Osprey.Training;
using Osprey.Training.Classification;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey predict</c>: runs a trained model on an image file or a folder of images, with its task's
/// prediction (classification: the top classes with names and probabilities).</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "a checkpoint written by osprey train", Required = true };
        var source = new Option<string>("--source") { Description = "an image file or a folder of images", Required = true };
        var top = new Option<int>("--top") { Description = "classification: how many classes to show per image", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "print JSON: one array with an object per image" };
        var command = new Command("predict", "Run a trained model on images (classification: the top-5 classes per image)") { weights, source, top, json };
        command.SetAction(result => Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(source)!, result.GetValue(top), result.GetValue(json))));
        return command;
    }

    static int Run(string weights, string source, int top, bool json)
    {
        if (top < 1) return Cli.Usage($"--top {top}: expected an integer >= 1");
        var files = Classifier.ImageFiles(source);
        using var trained = TrainedModel.Load(weights);
        var predictions = TaskRegistry.Get(trained.Info.Task, trained.Info.Model).Predict(trained, files, new PredictRequest(Top: top));
        if (json)
        {
            var array = new JsonArray(predictions.Select(p => p.ToJson()).ToArray());
            Console.WriteLine(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return Cli.Ok;
        }
        foreach (var p in predictions) Console.WriteLine($"{p.Source}: {p.Text}");
        return Cli.Ok;
    }
}
