using Osprey.Torch;

namespace Osprey.Models.Classification;

/// <summary>What a classifier returns: class logits (N, classes).</summary>
public sealed record ClassificationOutput(Tensor Logits) : IModelOutput
{
    public IEnumerable<Tensor> Tensors() => [Logits];
    public void Dispose() => Logits.Dispose();
}
