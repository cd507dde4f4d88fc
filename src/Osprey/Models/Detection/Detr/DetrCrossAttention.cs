using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// Where each object query looks: the last decoder layer's cross-attention weights over the encoder's feature grid,
/// averaged over heads, captured from every <see cref="Detr.Run"/> while this object lives — what the official DETR
/// attention notebook reads with a forward hook on <c>transformer.decoder.layers[-1].multihead_attn</c> (its
/// <c>output[1]</c>). The model itself does not compute the weights (it asks its attention for the output only), so
/// the hook runs that attention once more on the same inputs with the weights requested; the model is unchanged and
/// pays nothing when no capture is attached.
/// <code>
/// using var attention = new DetrCrossAttention(detr);
/// using var output = detr.Run(batch);
/// var maps = attention.Maps;   // (N, Q, H, W), each query's map summing to 1 over the unpadded cells
/// </code>
/// </summary>
public sealed class DetrCrossAttention : IDisposable
{
    readonly IDisposable attentionHook, transformerHook;
    Tensor? weights, maps;

    public DetrCrossAttention(Detr model)
    {
        var last = model.Transformer.Decoder.Layers[model.Transformer.Decoder.Layers.Count - 1].CrossAttention;
        attentionHook = last.RegisterForwardHook((module, input, _) =>
        {
            var again = ((MultiheadAttention)module).Forward(input with { NeedWeights = true, AverageAttnWeights = true });
            Replace(ref weights, again.Weights!.Detach().DetachFromScope());
            Replace(ref maps, null);
        });
        transformerHook = model.Transformer.RegisterForwardHook((_, _, output) =>
        {
            // The memory (N, d, H, W) gives the feature grid the flattened keys came from.
            long h = output.Memory.Size(2), w = output.Memory.Size(3);
            if (weights is null) throw new InvalidOperationException("DetrCrossAttention: the transformer ran without its last decoder layer's attention");
            Replace(ref maps, weights.View(weights.Size(0), weights.Size(1), h, w).DetachFromScope());
        });
    }

    /// <summary>The last run's maps (N, Q, H, W) over the feature grid (stride 32, or 16 for DETR-DC5), owned by this object.</summary>
    public Tensor Maps => maps ?? throw new InvalidOperationException("DetrCrossAttention: the model has not run since the capture was attached");

    static void Replace(ref Tensor? slot, Tensor? value)
    {
        slot?.Dispose();
        slot = value;
    }

    public void Dispose()
    {
        attentionHook.Dispose();
        transformerHook.Dispose();
        Replace(ref weights, null);
        Replace(ref maps, null);
    }
}
