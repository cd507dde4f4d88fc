using Osprey.Models.Backbones;
using Osprey.Torch.Serialization;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Models;

/// <summary>
/// torchvision resnet18/resnet50 state dicts saved by Debian's PyTorch (torch.save, zip format) load into
/// Osprey's ResNet with no missing or unexpected keys and give torchvision's logits (max abs error ≤ 1e-4).
/// </summary>
public class TorchvisionImportTests
{
    [Theory]
    [InlineData(18)]
    [InlineData(50)]
    public void TorchSaveCheckpointLoadsAndGivesTheSameLogits(int depth)
    {
        using var scope = TensorScope.Begin();
        var folder = ReferenceOutputs.Folder("models_part1.py");
        var state = TorchLoad.LoadStateDict(Path.Combine(folder, $"resnet{depth}.pth"));
        var (reference, _) = SafeTensors.Load(Path.Combine(folder, $"resnet{depth}.safetensors"));
        using var model = new ResNet(new ResNetOptions { Depth = depth });
        var report = model.LoadStateDict(state, strict: false);
        Assert.Empty(report.MissingKeys);
        Assert.Empty(report.UnexpectedKeys);
        Assert.Empty(report.ShapeMismatches);
        model.Eval();
        using var noGrad = Autograd.NoGrad();
        var logits = model.Call(reference["input"]);
        Expect.Close(reference["output_eval"], logits, rtol: 0, atol: 1e-4, what: $"resnet{depth} logits");
    }
}
