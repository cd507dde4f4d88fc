using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Backbones;

/// <summary>A feature extractor with stages of known channels and strides (relative to the input).</summary>
public interface IBackbone
{
    /// <summary>The module that holds the backbone's parameters: a model using the backbone registers it as a child.</summary>
    Module Module { get; }

    /// <summary>Output channels of each stage, shallow to deep.</summary>
    IReadOnlyList<long> StageChannels { get; }

    /// <summary>Output stride of each stage (4, 8, 16, 32 for a plain ResNet; 8 for dilated stages).</summary>
    IReadOnlyList<long> StageStrides { get; }

    /// <summary>Every stage's output, shallow to deep; the caller owns them (current scope).</summary>
    Tensor[] ForwardStages(Tensor input);
}
