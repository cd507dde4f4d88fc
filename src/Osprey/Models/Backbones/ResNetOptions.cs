using Osprey.Models.Layers;

namespace Osprey.Models.Backbones;

/// <summary>
/// How to build a ResNet. <see cref="NumClasses"/> null builds the backbone only (no avgpool/fc).
/// <see cref="OutputStride"/> 32, 16 or 8 replaces the strides of the last stages by dilation, as
/// torchvision's replace_stride_with_dilation does. <see cref="SmallStem"/>: 3x3 stride-1 conv1 and no max-pool,
/// for 28x28 and 32x32 images. <see cref="Width"/>: channels of the stem and the first stage (64 in the paper;
/// stage s has Width * 2^s planes), narrower for small images and small budgets.
/// </summary>
public sealed record ResNetOptions
{
    public int Depth { get; init; } = 50;
    public long? NumClasses { get; init; } = 1000;
    public long InChannels { get; init; } = 3;
    public int OutputStride { get; init; } = 32;
    public bool SmallStem { get; init; }
    public long Width { get; init; } = 64;
    public ResidualAttention Attention { get; init; } = ResidualAttention.None;
    /// <summary>FrozenBatchNorm2d (statistics and affine terms as buffers, nothing trains) instead of BatchNorm2d,
    /// as detection backbones use it (DETR); the state-dict names are the same.</summary>
    public bool FrozenBatchNorm { get; init; }

    /// <summary>replace_stride_with_dilation for layer2, layer3, layer4.</summary>
    public bool[] DilatedStages => OutputStride switch
    {
        32 => [false, false, false],
        16 => [false, false, true],
        8 => [false, true, true],
        _ => throw new ArgumentException($"ResNet output stride must be 32, 16 or 8, got {OutputStride}"),
    };
}
