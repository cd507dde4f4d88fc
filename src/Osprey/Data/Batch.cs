using Osprey.Torch;

namespace Osprey.Data;

/// <summary>
/// Collated samples. The batch owns its tensors (they belong to no TensorScope): dispose it when done with it,
/// typically <c>foreach (var batch in loader.Epoch(e)) using (batch) { ... }</c>.
/// </summary>
public sealed class Batch : IDisposable
{
    /// <summary>The model input: (N, C, H, W) float images, their padding mask, sizes and original sizes.</summary>
    public ImageBatch Input { get; }
    /// <summary>(N, C, H, W) float images (<see cref="ImageBatch.Images"/> of <see cref="Input"/>).</summary>
    public Tensor Images => Input.Images;
    /// <summary>(N) int64 class labels (-1 where a sample has none).</summary>
    public Tensor Labels { get; }
    /// <summary>(N, H, W) masks when every sample has one, else null; padding is <see cref="Sample.IgnoreIndex"/>.</summary>
    public Tensor? Masks { get; }
    /// <summary>Per-sample (Ni, 4) boxes and (Ni) box labels when every sample has boxes, else null: counts differ per image.</summary>
    public IReadOnlyList<Tensor>? Boxes { get; }
    public IReadOnlyList<Tensor>? BoxLabels { get; }
    /// <summary>Each sample's annotations in its original pixels, crowd regions included (detection datasets; null entries elsewhere): what evaluation compares with.</summary>
    public IReadOnlyList<BoxAnnotations?> Annotations { get; init; } = [];
    /// <summary>The dataset indices of the samples, in batch order.</summary>
    public IReadOnlyList<int> Indices { get; }
    /// <summary>Where each sample came from (file path or "dataset[index]"), in batch order.</summary>
    public IReadOnlyList<string?> Sources { get; }
    /// <summary>Position of this batch in its epoch (0-based).</summary>
    public int Number { get; }

    public int Count => Indices.Count;

    public Batch(int number, int[] indices, string?[] sources, ImageBatch input, Tensor labels, Tensor? masks, Tensor[]? boxes, Tensor[]? boxLabels)
    {
        (Number, Indices, Sources, Input, Labels, Masks, Boxes, BoxLabels) = (number, indices, sources, input, labels, masks, boxes, boxLabels);
    }

    internal IEnumerable<Tensor> Tensors()
    {
        yield return Input.Images;
        yield return Input.Mask;
        yield return Labels;
        if (Masks != null) yield return Masks;
        foreach (var t in Boxes ?? []) yield return t;
        foreach (var t in BoxLabels ?? []) yield return t;
    }

    public void Dispose()
    {
        foreach (var t in Tensors()) t.Dispose();
    }
}
