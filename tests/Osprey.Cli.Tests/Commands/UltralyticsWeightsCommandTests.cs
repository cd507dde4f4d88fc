using System.Text.Json.Nodes;
using Osprey.Tests;

namespace Osprey.Cli.Tests.Commands;

/// <summary>val and predict on an ultralytics-style .pt (tools/reference/yolo_reference.py): with --model it predicts
/// and warns once of the weights' AGPL-3.0 terms; without --model, or val without --data, the command says what is needed.</summary>
public class UltralyticsWeightsCommandTests
{
    static string Weights => Path.Combine(ReferenceOutputs.Folder("yolo_reference.py", "src/Osprey/Models/Detection/Yolo/Configs"), "yolo11n.pt");

    [Fact]
    public void PredictLoadsThePtAsTheNamedModelAndWarnsOnce()
    {
        using var work = new Osprey.Tests.Data.TempFolder();
        var image = work.CopyImage("rgb.png", "a.png");
        var second = work.CopyImage("rgb.png", "b.png");
        var (code, output, err) = OspreyProcess.Run(work.Root, "predict", "--weights", Weights, "--model", "yolo11n", "--source", image, second,
                                                    "--conf", "0", "--max-det", "3", "--json");
        Assert.True(code == 0, err);
        var predictions = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(2, predictions.Count);
        Assert.All(predictions, p => Assert.Equal(3, p!["detections"]!.AsArray().Count));
        Assert.Single(err.Split('\n'), l => l.Contains("AGPL-3.0", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutModelOrDataTheCommandSaysWhatIsNeeded()
    {
        using var work = new Osprey.Tests.Data.TempFolder();
        var (code, _, err) = OspreyProcess.Run(work.Root, "val", "--weights", Weights);
        Assert.Equal(1, code);
        Assert.Contains("is a PyTorch file (torch.save), not an Osprey checkpoint: pass --model NAME", err);
        (code, _, err) = OspreyProcess.Run(work.Root, "val", "--weights", Weights, "--model", "yolo11n");
        Assert.Equal(2, code);
        Assert.Contains("is not an Osprey checkpoint, so it names no dataset to validate on", err);
    }
}
