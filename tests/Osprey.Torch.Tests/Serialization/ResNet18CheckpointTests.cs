using Osprey.Torch.Serialization;
using static Osprey.Torch.Tests.Serialization.CheckpointFiles;

namespace Osprey.Torch.Tests.Serialization;

/// <summary>
/// A full torchvision resnet18() state dict (seeded random init). At ~45 MB it is not committed:
/// write_checkpoints.py --resnet18 generates it (and a safetensors dump of the same weights) once per machine.
/// </summary>
public class ResNet18CheckpointTests
{
    static readonly string Folder = Path.Combine(Path.GetTempPath(), "osprey-torch-fixtures");

    static string Generated(string name)
    {
        var path = Path.Combine(Folder, name);
        if (!File.Exists(Path.Combine(Folder, "resnet18.pt")) || !File.Exists(Path.Combine(Folder, "resnet18.safetensors")))
            RunPython(ReferenceScript("write_checkpoints.py"), Folder, "--resnet18");
        return path;
    }

    [Fact]
    public void TorchvisionResNet18LoadsBitwise()
    {
        using var scope = TensorScope.Begin();
        var loaded = TorchLoad.LoadStateDict(Generated("resnet18.pt"));
        // torchvision's resnet18: 62 parameters + 60 BatchNorm buffers (running_mean, running_var, num_batches_tracked x 20).
        Assert.Equal(122, loaded.Count);
        Assert.Equal(20, loaded.Keys.Count(k => k.EndsWith(".num_batches_tracked")));
        Assert.Equal(new long[] { 64, 3, 7, 7 }, loaded["conv1.weight"].Shape);
        Assert.Equal(new long[] { 1000, 512 }, loaded["fc.weight"].Shape);
        Assert.Equal(new long[] { 128, 64, 1, 1 }, loaded["layer2.0.downsample.0.weight"].Shape);
        AssertIdentical(Expected(Generated("resnet18.safetensors")), loaded, "resnet18");
    }

    [Fact]
    public void ResNet18SurvivesOurSaveAndPyTorchLoad()
    {
        using var scope = TensorScope.Begin();
        var loaded = TorchLoad.LoadStateDict(Generated("resnet18.pt"));
        var path = Path.Combine(Path.GetTempPath(), $"osprey-resnet18-{Guid.NewGuid():N}.pt");
        try
        {
            TorchSave.SaveStateDict(path, loaded);
            var lines = RunPython(ReferenceScript("describe_checkpoint.py"), path).TrimEnd('\n').Split('\n');
            Assert.Equal("collections.OrderedDict", lines[0]);
            Assert.Equal(loaded.Keys, lines.Skip(1).Select(l => l.Split('\t')[0]));
            AssertIdentical(loaded, TorchLoad.LoadStateDict(path), "resaved");
            var original = RunPython(ReferenceScript("describe_checkpoint.py"), Generated("resnet18.pt"));
            Assert.Equal(original.TrimEnd('\n').Split('\n'), lines);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
