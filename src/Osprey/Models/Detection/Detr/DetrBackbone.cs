using Osprey.Data;
using Osprey.Models.Backbones;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// DETR's convolutional backbone (the official "backbone.0"): a ResNet with FrozenBatchNorm2d as child "body"
/// (conv1, bn1, layer1..layer4; no avgpool or fc), returning the last stage (C5: 2048 channels at stride 32 for
/// ResNet-50, stride 16 with a dilated layer4) and the image mask brought to its size by nearest interpolation.
/// Any <see cref="IBackbone"/> with torchvision's stage names fits. As the official code: when the backbone trains,
/// only parameters under layer2..layer4 do (stem and layer1 frozen); otherwise none do. With trainable BatchNorm
/// (not the official model: training from scratch) every backbone parameter trains.
/// </summary>
public sealed class DetrBackbone : Module<ImageBatch, MaskedFeatures>
{
    readonly IBackbone body;

    public long Channels => body.StageChannels[^1];

    /// <summary>The official backbone: a ResNet of <paramref name="depth"/> with frozen BatchNorm.</summary>
    public DetrBackbone(int depth = 50, bool dilation = false, bool trainBackbone = true, bool frozenNorm = true)
        : this(new ResNet(new ResNetOptions { Depth = depth, NumClasses = null, OutputStride = dilation ? 16 : 32, FrozenBatchNorm = frozenNorm }),
               trainBackbone, trainStemAndLayer1: !frozenNorm)
    {
    }

    public DetrBackbone(IBackbone body, bool trainBackbone = true, bool trainStemAndLayer1 = false)
    {
        this.body = body;
        RegisterModule("body", body.Module);
        string[] trained = ["layer2", "layer3", "layer4"];
        foreach (var (name, parameter) in body.Module.NamedParameters())
            if (!trainBackbone || !(trainStemAndLayer1 || trained.Any(name.Contains)))
                parameter.RequiresGrad = false;
    }

    public override MaskedFeatures Forward(ImageBatch batch)
    {
        using var scope = TensorScope.Begin();
        var features = body.ForwardStages(batch.Images)[^1];
        long[] size = [features.Size(2), features.Size(3)];
        var mask = Functional.Interpolate(batch.Mask.Unsqueeze(0).To(DType.Float32), size).To(DType.Bool).Squeeze(0);
        return new MaskedFeatures(scope.Keep(features), scope.Keep(mask));
    }
}
