namespace Osprey.Cli.Tests.Commands;

/// <summary>What a new user meets first: the command's name, help on a bare or mistyped call, defaults, exit codes, key=value.</summary>
public class UsageTests
{
    static readonly string[] Verbs = ["doctor", "info", "train", "val", "predict", "samples", "cfg", "export"];

    [Fact]
    public void HelpCallsItselfOspreyAndDocumentsExitCodes()
    {
        var (code, output, _) = OspreyProcess.Run(Path.GetTempPath(), "--help");
        Assert.Equal(0, code);
        Assert.Contains("osprey [command] [options]", output);
        Assert.DoesNotContain("Osprey.Cli", output);
        Assert.Contains("0 ok, 1 failure", output);
        Assert.Contains("2 usage error", output);
        Assert.Contains("130 interrupted", output);
    }

    [Fact]
    public void ReadmeDocumentsTheExitCodes()
    {
        var readme = File.ReadAllText(Path.Combine(OspreyProcess.RepositoryRoot, "README.md"));
        Assert.Contains("| 130 |", readme);
        Assert.Contains("| 2 |", readme);
    }

    [Fact]
    public void BareCallListsTheVerbsWithUsageExitCode()
    {
        var (code, output, err) = OspreyProcess.Run(Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("a command is required", err);
        Assert.All(Verbs, v => Assert.Contains($"\n  {v} ", err));
    }

    [Theory]
    [InlineData("trian", "train")]
    [InlineData("predcit", "predict")]
    [InlineData("docter", "doctor")]
    public void UnknownVerbSuggestsTheClosest(string typo, string meant)
    {
        var (code, _, err) = OspreyProcess.Run(Path.GetTempPath(), typo, "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Contains($"unknown command '{typo}'", err);
        Assert.Contains($"Did you mean 'osprey {meant}'?", err);
        Assert.All(Verbs, v => Assert.Contains($"\n  {v} ", err));
    }

    [Fact]
    public void MissingVerbListsTheVerbsWithoutAGuess()
    {
        var (code, _, err) = OspreyProcess.Run(Path.GetTempPath(), "quantize");
        Assert.Equal(2, code);
        Assert.Contains("unknown command 'quantize'", err);
        Assert.DoesNotContain("Did you mean", err);
        Assert.Contains("\n  train ", err);
    }

    [Fact]
    public void MistypedOptionSuggestsTheClosest()
    {
        var (code, _, err) = OspreyProcess.Run(Path.GetTempPath(), "train", "--epochz", "3");
        Assert.Equal(2, code);
        Assert.Contains("Did you mean '--epochs'?", err);
    }

    [Theory]
    [InlineData("train", "--epochs", "[default: 10]")]
    [InlineData("train", "--model", "[default: classify seresnet18, segment unet, detect yolo11n]")]
    [InlineData("train", "--batch", "[default: classify 64, segment 16, detect 16]")]
    [InlineData("train", "--device", "[default: cpu]")]
    [InlineData("val", "--batch", "[default: 256; segmentation: 1")]
    [InlineData("val", "--split", "[default: val]")]
    [InlineData("predict", "--top", "[default: 5]")]
    [InlineData("samples", "--count", "[default: 8]")]
    public void HelpShowsEachOptionsDefault(string verb, string option, string shown)
    {
        var (code, output, _) = OspreyProcess.Run(Path.GetTempPath(), verb, "--help");
        Assert.Equal(0, code);
        Assert.Contains($"osprey {verb} [options]", output);
        var line = output.Split('\n').Single(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.Contains(shown, line);
    }

    [Fact]
    public void CfgListsEveryTrainingKeyWithTypeDefaultAndMeaning()
    {
        var (code, output, err) = OspreyProcess.Run(Path.GetTempPath(), "cfg");
        Assert.True(code == 0, err);
        var lines = output.Split('\n');
        foreach (var key in Osprey.Training.OptionsReader.Keys)
        {
            var line = lines.SingleOrDefault(l => l.StartsWith($"  {key} ", StringComparison.Ordinal));
            Assert.True(line != null, $"osprey cfg does not list '{key}'");
            Assert.DoesNotContain("(undescribed)", line);
        }
        var epochs = lines.Single(l => l.StartsWith("  epochs ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["epochs", "integer", "10"], epochs[..3]);
        var optimizer = lines.Single(l => l.StartsWith("  optimizer ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["optimizer", "sgd|adamw|auto", "sgd"], optimizer[..3]);
        Assert.Contains(lines, l => l.StartsWith("  width ", StringComparison.Ordinal));   // seresnet18's own option
    }

    [Fact]
    public void KeyValueArgumentsAreOptions()
    {
        using var work = new Osprey.Tests.Data.TempFolder();
        var (code, _, err) = OspreyProcess.Run(work.Root, "train", "data=fashion-mnist", "epochs=0");
        Assert.Equal(2, code);
        Assert.Contains("option 'epochs' = 0: expected an integer in 1..1000000", err);

        (code, _, err) = OspreyProcess.Run(work.Root, "train", "model=resnet18", "lr0=-1");
        Assert.Equal(2, code);
        Assert.Contains("option 'lr0' = -1", err);

        (code, _, err) = OspreyProcess.Run(work.Root, "train", "epochz=3");
        Assert.Equal(2, code);
        Assert.Contains("unknown option 'epochz'", err);
        Assert.False(Directory.Exists(Path.Combine(work.Root, "runs")), "a refused start left a run folder");
    }

    [Fact]
    public void AnOptionsValueIsNeverReadAsKeyValue()
    {
        using var work = new Osprey.Tests.Data.TempFolder();
        var (code, _, err) = OspreyProcess.Run(work.Root, "train", "--data", "a=b", "--epochs", "1");
        Assert.Equal(1, code);
        Assert.Contains("data 'a=b' does not exist", err);
    }

    [Fact]
    public void CudaWithoutCudaIsRefusedClearly()
    {
        if (Osprey.Torch.LibTorch.BuiltWithCuda) return;   // only a CPU-only libtorch has this message
        string[][] commands =
        [
            ["train", "--device", "cuda:0"], ["val", "--weights", "x.ckpt", "--device", "cuda"],
            ["predict", "--weights", "x.ckpt", "--source", "x.png", "--device", "0"], ["export", "--weights", "x.ckpt", "--device", "cuda:1"],
        ];
        foreach (var arguments in commands)
        {
            var (verb, device) = (arguments[0], arguments[^1]);
            var (exit, _, message) = OspreyProcess.Run(Path.GetTempPath(), arguments);
            Assert.True(exit == 1, $"{verb} --device {device}: exit {exit}, {message}");
            Assert.Contains($"--device {device}: this libtorch ({Osprey.Torch.LibTorch.Version}) is built without CUDA (USE_CUDA=OFF", message);
            Assert.Contains("install a CUDA build of libtorch", message);
        }
        var (code, _, err) = OspreyProcess.Run(Path.GetTempPath(), "train", "device=cuda");   // ultralytics' key=value form
        Assert.Equal(1, code);
        Assert.Contains("--device cuda: this libtorch", err);

        (code, _, err) = OspreyProcess.Run(Path.GetTempPath(), "predict", "--weights", "x.ckpt", "--source", "x.png", "--device", "gpu");
        Assert.Equal(2, code);
        Assert.Contains("unknown device 'gpu': expected cpu, cuda or cuda:N", err);
    }
}
