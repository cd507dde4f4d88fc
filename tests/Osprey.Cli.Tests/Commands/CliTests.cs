using Osprey.Tests.Data;
using Osprey.Tests.Training;

namespace Osprey.Cli.Tests.Commands;

/// <summary>The osprey command's exit codes and messages (the CLI built in the same configuration as these tests).</summary>
public class CliTests
{
    static (int Code, string Out, string Err) Osprey(string workingDirectory, params string[] args) => OspreyProcess.Run(workingDirectory, args);

    [Fact]
    public void BadOptionKeyIsAUsageError()
    {
        using var work = new TempFolder();
        var (code, _, err) = Osprey(work.Root, "train", "--data", "fashion-mnist", "--set", "epochz=3");
        Assert.Equal(2, code);
        Assert.Contains("unknown option 'epochz'", err);
    }

    [Fact]
    public void MissingDataPathFailsWithItsName()
    {
        using var work = new TempFolder();
        var (code, _, err) = Osprey(work.Root, "train", "--data", "missing-folder", "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains("data 'missing-folder' does not exist", err);
    }

    [Fact]
    public void TrainValPredictOnATinyFolder()
    {
        using var data = new TinyImageFolder();
        using var work = new TempFolder();
        // ultralytics-style key=value beside --key value and --set.
        var (code, output, err) = Osprey(work.Root, "train", "model=resnet18", "width=4", "--data", data.Root, "imgsz=16",
            "--epochs", "6", "batch=6", "--optimizer", "adamw", "lr0=0.01", "--workers", "0", "--seed", "3", "--set", "fliplr=0");
        Assert.True(code == 0, $"train exited {code}: {err}");
        Assert.Contains("epoch 6/6", output);
        var args = File.ReadAllText(Path.Combine(work.Root, "runs", "classify", "train", "args.yaml"));
        Assert.Contains("model: resnet18\n", args);
        Assert.Contains("lr0: 0.01\n", args);
        Assert.Contains("width: 4\n", args);
        var best = Path.Combine(work.Root, "runs", "classify", "train", "best.ckpt");
        Assert.True(File.Exists(best));

        (code, output, err) = Osprey(work.Root, "val", "--weights", best, "--data", data.Root, "--workers", "0");
        Assert.True(code == 0, $"val exited {code}: {err}");
        Assert.Contains("top-1 100.00%", output);
        Assert.Contains("top-left", output);

        (code, output, err) = Osprey(work.Root, "predict", "--weights", best, "--source", data.PathOf("val/top-left"), "--json");
        Assert.True(code == 0, $"predict exited {code}: {err}");
        var json = System.Text.Json.Nodes.JsonNode.Parse(output)!.AsArray();
        Assert.Equal(6, json.Count);
        Assert.All(json, p => Assert.Equal("top-left", (string?)p!["top"]![0]!["name"]));
        Assert.Equal(3, json[0]!["top"]!.AsArray().Count);   // 3 classes: top-5 shows all three

        (code, _, err) = Osprey(work.Root, "predict", "--weights", Path.Combine(work.Root, "nope.ckpt"), "--source", data.Root);
        Assert.Equal(1, code);
        Assert.Contains("nope.ckpt does not exist", err);
    }
}
