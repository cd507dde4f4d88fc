using Osprey.Tests;
using Osprey.Tests.Data;
using Osprey.Tests.Training;
using Osprey.Torch;
using Osprey.Torch.Serialization;

namespace Osprey.Cli.Tests.Commands;

/// <summary><c>osprey train --weights</c> with a torchvision ResNet-18 .pth saved by Debian's PyTorch on a 3-class folder:
/// the transfer and the replaced head are printed, and the frozen layers in the checkpoint equal the file's.</summary>
public class FineTuningCommandTests
{
    [Fact]
    public void TrainStartsFromTorchvisionWeightsReportsTheHeadAndKeepsFrozenLayers()
    {
        var file = Path.Combine(ReferenceOutputs.Folder("models_part1.py"), "resnet18.pth");
        using var images = new TinyImageFolder();
        using var work = new TempFolder();
        var (code, stdout, stderr) = OspreyProcess.Run(work.Root, "train", "--data", images.Root, "--model", "resnet18", "--imgsz", "32",
            "--epochs", "1", "--batch", "9", "--workers", "0", "--weights", file, "small_stem=false", "freeze=conv1,bn1,layer1",
            "--name", "tuned");
        Assert.True(code == 0, stderr);
        using var scope = TensorScope.Begin();
        var saved = TorchLoad.LoadStateDict(file);
        Assert.Contains($"weights: transferred {saved.Count - 2}/{saved.Count} tensors from {file}", stdout);
        Assert.Contains("not loaded (shape): fc.weight: checkpoint [1000, 512], model [3, 512]", stdout);
        Assert.Contains("frozen: conv1, bn1, layer1", stdout);
        using var checkpoint = TrainingCheckpoint.Load(Path.Combine(work.Root, "runs", "classify", "tuned", "last.ckpt"));
        foreach (var key in saved.Keys.Where(k => k.StartsWith("layer1.", StringComparison.Ordinal) || k.StartsWith("bn1.", StringComparison.Ordinal)))
            Assert.True(saved[key].Equal(checkpoint.Model[key]), $"frozen {key} changed");
        Assert.False(saved["layer3.0.conv1.weight"].Equal(checkpoint.Model["layer3.0.conv1.weight"]), "layer3 trains");
    }
}
