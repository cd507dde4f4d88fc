using Osprey.Data;
using Osprey.Models.Backbones;
using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Segmentation;

/// <summary>How to build a PSPNet.</summary>
public sealed record PSPNetOptions
{
    public int Depth { get; init; } = 50;
    public long NumClasses { get; init; } = 150;
    public long InChannels { get; init; } = 3;
    public long[] Bins { get; init; } = [1, 2, 3, 6];
    public double Dropout { get; init; } = 0.1;
    /// <summary>Build the auxiliary head on stage 3 (used in training only, loss weight 0.4 in the paper).</summary>
    public bool AuxHead { get; init; } = true;
    /// <summary>Channels of the 3x3 conv after the pyramid pooling (512 in the paper).</summary>
    public long HeadChannels { get; init; } = 512;
    /// <summary>Channels of the auxiliary head's 3x3 conv (256 in the paper).</summary>
    public long AuxChannels { get; init; } = 256;
    public ResidualAttention Attention { get; init; } = ResidualAttention.None;
}

/// <summary>
/// PSPNet (Zhao et al.): a backbone at output stride 8 (a dilated ResNet by default), the pyramid pooling module, a
/// 3x3 conv to 512 (<see cref="PSPNetOptions.HeadChannels"/>) + BN + ReLU, dropout and a 1x1 classifier, up-sampled
/// bilinearly to the input size. In training an auxiliary head on stage 3 (3x3 conv to 256
/// (<see cref="PSPNetOptions.AuxChannels"/>) + BN + ReLU, dropout, 1x1 classifier) gives deep supervision; it is
/// not run in eval. Children: backbone, ppm, cls, aux.
/// </summary>
public sealed class PSPNet : Module<Tensor, SegmentationOutput>, IImageModel<SegmentationOutput>
{
    readonly IBackbone backbone;
    readonly PyramidPooling ppm;
    readonly Sequential cls;
    readonly Sequential? aux;

    public PSPNetOptions Options { get; }

    /// <summary>A PSPNet on <paramref name="backbone"/> (four stages), or on the dilated ResNet of <see cref="PSPNetOptions.Depth"/>.</summary>
    public PSPNet(PSPNetOptions options, IBackbone? backbone = null)
    {
        Options = options;
        this.backbone = backbone ?? new ResNet(new ResNetOptions
        {
            Depth = options.Depth, NumClasses = null, InChannels = options.InChannels, OutputStride = 8, Attention = options.Attention,
        });
        if (this.backbone.StageChannels.Count != 4)
            throw new ArgumentException($"PSPNet needs a backbone of four stages, got {this.backbone.StageChannels.Count}");
        RegisterModule("backbone", this.backbone.Module);
        long features = this.backbone.StageChannels[3];
        ppm = RegisterModule("ppm", new PyramidPooling(features, options.Bins));
        cls = RegisterModule("cls", Head(ppm.OutChannels, options.HeadChannels, options));
        if (options.AuxHead) aux = RegisterModule("aux", Head(this.backbone.StageChannels[2], options.AuxChannels, options));
    }

    static Sequential Head(long inChannels, long hidden, PSPNetOptions options) => new(
        new Conv2d(inChannels, hidden, 3, 1, padding: 1, bias: false),
        new BatchNorm2d(hidden),
        new ReLU(inplace: true),
        new Dropout2d(options.Dropout),
        new Conv2d(hidden, options.NumClasses, 1));

    public SegmentationOutput Run(ImageBatch input) => Call(input.Images);

    public override SegmentationOutput Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        long[] size = [input.Size(2), input.Size(3)];
        var stages = backbone.ForwardStages(input);
        var logits = Upsample(cls.Call(ppm.Call(stages[3])), size);
        Tensor? auxLogits = aux != null && IsTraining ? Upsample(aux.Call(stages[2]), size) : null;
        scope.Keep(logits);
        if (auxLogits != null) scope.Keep(auxLogits);
        return new SegmentationOutput(logits, auxLogits);
    }

    static Tensor Upsample(Tensor x, long[] size) => Functional.Interpolate(x, size, mode: "bilinear", alignCorners: true);
}
