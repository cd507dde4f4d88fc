using Osprey.Torch;

namespace Osprey.Models.Detection.Detr;

/// <summary>One decoder layer's predictions: class logits (N, Q, classes + 1), the last class being "no object",
/// and boxes (N, Q, 4) as (cx, cy, w, h) normalized to the image's valid (unpadded) size.</summary>
public sealed record DetrPrediction(Tensor Logits, Tensor Boxes) : IDisposable
{
    public void Dispose()
    {
        Logits.Dispose();
        Boxes.Dispose();
    }
}

/// <summary>
/// What DETR returns, in train and eval mode alike: the last decoder layer's <see cref="Logits"/> and
/// <see cref="Boxes"/>, and <see cref="Auxiliary"/> predictions of every earlier layer, first to second-to-last
/// (empty when the model is built without auxiliary outputs). They feed the auxiliary decoding losses.
/// </summary>
public sealed record DetrOutput(Tensor Logits, Tensor Boxes, IReadOnlyList<DetrPrediction> Auxiliary) : IModelOutput
{
    public IEnumerable<Tensor> Tensors() => new[] { Logits, Boxes }.Concat(Auxiliary.SelectMany(a => new[] { a.Logits, a.Boxes }));

    /// <summary>Splits per-layer predictions stacked as (layers, N, Q, ...) into final and auxiliary outputs
    /// (views of the stacked tensors, in the current scope).</summary>
    public static DetrOutput FromLayers(Tensor logits, Tensor boxes, bool auxiliary)
    {
        long layers = logits.Size(0);
        var aux = new List<DetrPrediction>();
        if (auxiliary)
            for (long i = 0; i < layers - 1; i++) aux.Add(new DetrPrediction(logits.Select(0, i), boxes.Select(0, i)));
        return new DetrOutput(logits.Select(0, layers - 1), boxes.Select(0, layers - 1), aux);
    }

    public void Dispose()
    {
        Logits.Dispose();
        Boxes.Dispose();
        foreach (var a in Auxiliary) a.Dispose();
    }
}
