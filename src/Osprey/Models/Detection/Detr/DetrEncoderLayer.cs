using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>Arguments of a DETR encoder layer: the sequence (S, N, d), its key padding mask (N, S) and positions (S, N, d).</summary>
public sealed record DetrEncoderInput(Tensor Src, Tensor? KeyPaddingMask, Tensor? Position);

/// <summary>
/// DETR's post-norm encoder layer: self-attention whose queries and keys are src + pos (values src), then the
/// ReLU feed-forward block, each added to the residual and followed by its LayerNorm. Unlike
/// torch.nn.TransformerEncoderLayer, the positions enter every attention. State names as the official code.
/// </summary>
public sealed class DetrEncoderLayer : Module<DetrEncoderInput, Tensor>
{
    readonly MultiheadAttention selfAttn;
    readonly Linear linear1, linear2;
    readonly Dropout dropout, dropout1, dropout2;
    readonly LayerNorm norm1, norm2;

    public DetrEncoderLayer(long dModel, long heads, long feedForward, double dropoutP)
    {
        selfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, heads, dropoutP));
        linear1 = RegisterModule("linear1", new Linear(dModel, feedForward));
        dropout = RegisterModule("dropout", new Dropout(dropoutP));
        linear2 = RegisterModule("linear2", new Linear(feedForward, dModel));
        norm1 = RegisterModule("norm1", new LayerNorm(dModel));
        norm2 = RegisterModule("norm2", new LayerNorm(dModel));
        dropout1 = RegisterModule("dropout1", new Dropout(dropoutP));
        dropout2 = RegisterModule("dropout2", new Dropout(dropoutP));
    }

    public override Tensor Forward(DetrEncoderInput input)
    {
        using var scope = TensorScope.Begin();
        var src = input.Src;
        var queryKey = input.Position is null ? src : src + input.Position;
        var attended = selfAttn.Call(queryKey, queryKey, src, input.KeyPaddingMask, needWeights: false).Output;
        src = norm1.Call(src + dropout1.Call(attended));
        var ff = linear2.Call(dropout.Call(Functional.Relu(linear1.Call(src))));
        return scope.Keep(norm2.Call(src + dropout2.Call(ff)));
    }
}
