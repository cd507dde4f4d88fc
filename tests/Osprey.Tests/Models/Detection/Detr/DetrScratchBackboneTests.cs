using Osprey.Models;
using Osprey.Models.Detection.Detr;
using Osprey.Training;
using Osprey.Training.Detection;
using Osprey.Torch.NN;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>
/// frozen_bn=false, DETR for training from random weights: trainable BatchNorm2d in the backbone, every backbone
/// parameter training, and the backbone at the full learning rate; the default stays the official model (frozen norms,
/// stem and layer1 frozen, backbone at a tenth).
/// </summary>
public class DetrScratchBackboneTests
{
    static (int Frozen, int Batch, int Trainable, int Fixed) Backbone(Module model)
    {
        var backbone = model.GetModule("backbone");
        var parameters = backbone.Parameters().ToList();
        return (backbone.Modules().Count(m => m is FrozenBatchNorm2d), backbone.Modules().Count(m => m is BatchNorm2d),
                parameters.Count(p => p.RequiresGrad), parameters.Count(p => !p.RequiresGrad));
    }

    static DetrSteps Steps(Module model) =>
        DetrSteps.Create(model, new TrainOptions { Model = "detr-r18-light", Lr0 = 2e-4, Epochs = 3 }, new TrainingPlan(8, 4, 3, 2));

    [Fact]
    public void DefaultIsTheOfficialFrozenBackbone()
    {
        using var model = ModelRegistry.Create("detr-r18-light", new ModelArgs(5, 3, 64));
        var (frozen, batch, trainable, fixedCount) = Backbone(model);
        Assert.Equal((20, 0), (frozen, batch));   // ResNet-18: bn1, 2 per block x 8, 3 downsample norms
        Assert.Equal(5, fixedCount);   // conv1 and layer1's four convolutions (frozen norms hold buffers, not parameters)
        Assert.True(trainable > 0);
        var groups = Steps(model).Optimizer.ParamGroups;
        Assert.Equal([2e-4, 2e-5], groups.Select(g => g.Lr));
    }

    [Fact]
    public void FromScratchTrainsTheWholeBackboneWithBatchNorm()
    {
        using var model = ModelRegistry.Create("detr-r18-light", new ModelArgs(5, 3, 64).With("frozen_bn", "false"));
        var (frozen, batch, _, fixedCount) = Backbone(model);
        Assert.Equal((0, 20, 0), (frozen, batch, fixedCount));
        Assert.Equal([2e-4, 2e-4], Steps(model).Optimizer.ParamGroups.Select(g => g.Lr));
    }
}
