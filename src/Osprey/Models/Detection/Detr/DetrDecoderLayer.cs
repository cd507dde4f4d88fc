using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// Arguments of a DETR decoder layer: the object slots (Q, N, d), the encoder memory (S, N, d) with its key
/// padding mask (N, S) and positions (S, N, d), and the object queries' embedding (Q, N, d).
/// </summary>
public sealed record DetrDecoderInput(Tensor Tgt, Tensor Memory, Tensor? MemoryKeyPaddingMask, Tensor? Position, Tensor? QueryPosition);

/// <summary>
/// DETR's post-norm decoder layer: self-attention over the slots (queries and keys tgt + query_pos), cross-
/// attention to the memory (query tgt + query_pos, key memory + pos, value memory, padded keys masked), then
/// the ReLU feed-forward block; each added to the residual and followed by its LayerNorm. State names as the
/// official code (self_attn, multihead_attn, linear1/2, norm1..3).
/// </summary>
public sealed class DetrDecoderLayer : Module<DetrDecoderInput, Tensor>
{
    readonly MultiheadAttention selfAttn, crossAttn;
    readonly Linear linear1, linear2;
    readonly Dropout dropout, dropout1, dropout2, dropout3;
    readonly LayerNorm norm1, norm2, norm3;

    public DetrDecoderLayer(long dModel, long heads, long feedForward, double dropoutP)
    {
        selfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, heads, dropoutP));
        crossAttn = RegisterModule("multihead_attn", new MultiheadAttention(dModel, heads, dropoutP));
        linear1 = RegisterModule("linear1", new Linear(dModel, feedForward));
        dropout = RegisterModule("dropout", new Dropout(dropoutP));
        linear2 = RegisterModule("linear2", new Linear(feedForward, dModel));
        norm1 = RegisterModule("norm1", new LayerNorm(dModel));
        norm2 = RegisterModule("norm2", new LayerNorm(dModel));
        norm3 = RegisterModule("norm3", new LayerNorm(dModel));
        dropout1 = RegisterModule("dropout1", new Dropout(dropoutP));
        dropout2 = RegisterModule("dropout2", new Dropout(dropoutP));
        dropout3 = RegisterModule("dropout3", new Dropout(dropoutP));
    }

    /// <summary>The attention of the slots to the encoder memory ("multihead_attn"), which <see cref="DetrCrossAttention"/> watches.</summary>
    public MultiheadAttention CrossAttention => crossAttn;

    public override Tensor Forward(DetrDecoderInput input)
    {
        using var scope = TensorScope.Begin();
        var tgt = input.Tgt;
        var memory = input.Memory;
        var queryKey = WithPosition(tgt, input.QueryPosition);
        var self = selfAttn.Call(queryKey, queryKey, tgt, needWeights: false).Output;
        tgt = norm1.Call(tgt + dropout1.Call(self));
        var cross = crossAttn.Call(WithPosition(tgt, input.QueryPosition), WithPosition(memory, input.Position), memory,
                                   input.MemoryKeyPaddingMask, needWeights: false).Output;
        tgt = norm2.Call(tgt + dropout2.Call(cross));
        var ff = linear2.Call(dropout.Call(Functional.Relu(linear1.Call(tgt))));
        return scope.Keep(norm3.Call(tgt + dropout3.Call(ff)));
    }

    static Tensor WithPosition(Tensor x, Tensor? position) => position is null ? x : x + position;
}
