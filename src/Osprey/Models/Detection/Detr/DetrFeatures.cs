using Osprey.Torch;

namespace Osprey.Models.Detection.Detr;

/// <summary>A backbone feature map (N, C, H, W) with its padding mask down-sampled to it (N, H, W), true on padding.</summary>
public sealed record MaskedFeatures(Tensor Features, Tensor Mask) : IDisposable
{
    public void Dispose()
    {
        Features.Dispose();
        Mask.Dispose();
    }
}

/// <summary>What DETR's transformer reads: the feature map, its padding mask and its positional encoding (N, d, H, W).</summary>
public sealed record DetrFeatures(Tensor Features, Tensor Mask, Tensor Position) : IDisposable
{
    public void Dispose()
    {
        Features.Dispose();
        Mask.Dispose();
        Position.Dispose();
    }
}
