using Osprey.Torch;

namespace Osprey.Models.Segmentation;

/// <summary>
/// What a segmentation model returns, in train and eval mode alike: per-pixel class logits (N, classes, H, W)
/// at the input size, and the auxiliary head's logits where the model has one and is training (else null).
/// </summary>
public sealed record SegmentationOutput(Tensor Logits, Tensor? AuxLogits) : IModelOutput
{
    public IEnumerable<Tensor> Tensors() => AuxLogits is null ? [Logits] : [Logits, AuxLogits];

    public void Dispose()
    {
        Logits.Dispose();
        AuxLogits?.Dispose();
    }
}
