using Osprey.Models.Backbones;
using Osprey.Models.Layers;
using Osprey.Models.Segmentation;
using Osprey.Torch.NN;
using Osprey.Torch.Serialization;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Models;

/// <summary>
/// Same weights, same input, same outputs as PyTorch (tools/reference/models_part1.py, run at test time:
/// the weights are too large to commit): eval mode (running statistics) and train mode (batch statistics),
/// within 1e-4 (relative, with an absolute floor of 1e-4 for values near zero).
/// </summary>
public class ParityTests
{
    const double Tolerance = 1e-4;

    public static TheoryData<string> Cases => new() { "resnet18", "resnet50", "seresnet50", "unet-valid", "unet", "pspnet-r50" };

    static Module Build(string name) => name switch
    {
        "resnet18" => new ResNet(new ResNetOptions { Depth = 18 }),
        "resnet50" => new ResNet(new ResNetOptions { Depth = 50 }),
        "seresnet50" => new ResNet(new ResNetOptions { Depth = 50, Attention = ResidualAttention.Se() }),
        "unet-valid" => new UNet(new UNetOptions { InChannels = 1, NumClasses = 2, Valid = true, BatchNorm = false }),
        "unet" => new UNet(new UNetOptions { InChannels = 3, NumClasses = 5 }),
        "pspnet-r50" => new PSPNet(new PSPNetOptions { NumClasses = 21, Dropout = 0 }),
        _ => throw new ArgumentException(name),
    };

    static (Tensor Logits, Tensor? Aux) Run(Module model, Tensor input) => model switch
    {
        Module<Tensor, Tensor> m => (m.Call(input), null),
        Module<Tensor, SegmentationOutput> m => m.Call(input) is var o ? (o.Logits, o.AuxLogits) : default,
        _ => throw new ArgumentException(model.TypeName),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutputsMatchPyTorchInEvalAndTrainMode(string name)
    {
        using var scope = TensorScope.Begin();
        var (tensors, _) = SafeTensors.Load(Path.Combine(ReferenceOutputs.Folder("models_part1.py"), name + ".safetensors"));
        var state = tensors.Where(p => p.Key.StartsWith("state.")).ToDictionary(p => p.Key["state.".Length..], p => p.Value);
        var input = tensors["input"];
        using var model = Build(name);
        var report = model.LoadStateDict(state, strict: true);
        Assert.True(report.IsClean, report.ToString());

        model.Eval();
        using (Autograd.NoGrad())
        {
            var (eval, evalAux) = Run(model, input);
            Expect.Close(tensors["output_eval"], eval, Tolerance, Tolerance, $"{name} eval");
            Assert.Null(evalAux);
            model.Train();
            var (train, trainAux) = Run(model, input);
            Expect.Close(tensors["output_train"], train, Tolerance, Tolerance, $"{name} train");
            if (tensors.TryGetValue("output_train_aux", out var aux)) Expect.Close(aux, trainAux!, Tolerance, Tolerance, $"{name} train aux");
        }
    }
}
