namespace Osprey.Models.Detection.Detr;

/// <summary>
/// How to build DETR; the defaults are the paper's DETR-R50 (COCO: 91 class ids, so 92 logits with no-object).
/// <see cref="TrainBackbone"/> is the official lr_backbone &gt; 0: layer2..layer4 of the backbone train.
/// <see cref="Dilation"/> builds DETR-DC5 (layer4 dilated, stride 16). <see cref="FrozenBackboneNorm"/> false is
/// not the official model: a backbone with trainable BatchNorm2d whose every layer trains, for training from scratch.
/// </summary>
public sealed record DetrOptions
{
    public long NumClasses { get; init; } = 91;
    public int BackboneDepth { get; init; } = 50;
    public bool Dilation { get; init; }
    public bool TrainBackbone { get; init; } = true;
    /// <summary>The official FrozenBatchNorm2d with the stem and layer1 frozen (made for ImageNet-pretrained weights);
    /// false: BatchNorm2d, the whole backbone training, as a network trained from random weights needs (a frozen
    /// norm at its initial statistics is an identity, leaving a deep ResNet unnormalized).</summary>
    public bool FrozenBackboneNorm { get; init; } = true;
    public long HiddenDim { get; init; } = 256;
    public long Heads { get; init; } = 8;
    public int EncoderLayers { get; init; } = 6;
    public int DecoderLayers { get; init; } = 6;
    public long FeedForward { get; init; } = 2048;
    public double Dropout { get; init; } = 0.1;
    public long NumQueries { get; init; } = 100;
    /// <summary>Return every decoder layer's predictions (aux_loss in the official code).</summary>
    public bool AuxiliaryOutputs { get; init; } = true;

    /// <summary>The paper's DETR-R50: ResNet-50, d 256, 8 heads, 6 + 6 layers, feed-forward 2048, 100 queries.</summary>
    public static DetrOptions R50 => new();

    /// <summary>
    /// A light DETR for CPUs: ResNet-18 (512 channels at stride 32), d 128, 8 heads, 3 encoder and 3 decoder layers,
    /// feed-forward 512, 50 queries: 12,673,184 parameters (11,166,912 in the backbone) against DETR-R50's 41,524,768.
    /// The official code builds the same network from --backbone resnet18 --hidden_dim 128 --enc_layers 3
    /// --dec_layers 3 --dim_feedforward 512 --num_queries 50.
    /// </summary>
    public static DetrOptions LightR18 => new()
    {
        BackboneDepth = 18, HiddenDim = 128, Heads = 8, EncoderLayers = 3, DecoderLayers = 3, FeedForward = 512, NumQueries = 50,
    };

    public void Validate()
    {
        if (NumClasses < 1) throw new ArgumentException($"DETR: class count must be positive, got {NumClasses}");
        if (NumQueries < 1) throw new ArgumentException($"DETR: query count must be positive, got {NumQueries}");
        if (HiddenDim % 2 != 0) throw new ArgumentException($"DETR: hidden dim must be even (half per axis of the position encoding), got {HiddenDim}");
        if (EncoderLayers < 0 || DecoderLayers < 1)
            throw new ArgumentException($"DETR: needs >= 0 encoder and >= 1 decoder layers, got {EncoderLayers} and {DecoderLayers}");
        if (Dropout < 0 || Dropout > 1) throw new ArgumentException($"DETR: dropout must be in [0, 1], got {Dropout}");
    }
}
