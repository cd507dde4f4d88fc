using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' Attention (the PSA block's): a 1x1 Conv (no activation) makes per head a query and key of
/// key_dim = head_dim * attn_ratio channels and a value of head_dim; softmax(q^T k / sqrt(key_dim)) mixes the values
/// over all positions; a depthwise 3x3 Conv of the values is added as positional encoding; a 1x1 Conv projects.
/// Children qkv, proj, pe.
/// </summary>
public sealed class PositionSensitiveAttention : Module<Tensor, Tensor>
{
    readonly ConvBnAct qkv, proj, pe;
    readonly long heads, headDim, keyDim;
    readonly double scale;

    public override string TypeName => "Attention";

    public PositionSensitiveAttention(long dim, long numHeads = 8, double attnRatio = 0.5)
    {
        if (numHeads < 1 || dim % numHeads != 0)
            throw new ArgumentException($"Attention: dim {dim} must be a positive multiple of num_heads {numHeads}");
        heads = numHeads;
        headDim = dim / numHeads;
        keyDim = (long)(headDim * attnRatio);
        scale = Math.Pow(keyDim, -0.5);
        qkv = RegisterModule("qkv", new ConvBnAct(dim, dim + 2 * keyDim * numHeads, null, 1));
        proj = RegisterModule("proj", new ConvBnAct(dim, dim, null, 1));
        pe = RegisterModule("pe", new ConvBnAct(dim, dim, null, 3, 1, g: dim));
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        long b = x.Size(0), c = x.Size(1), h = x.Size(2), w = x.Size(3);
        var parts = qkv.Call(x).View(b, heads, 2 * keyDim + headDim, h * w).Split([keyDim, keyDim, headDim], 2);
        var (q, k, v) = (parts[0], parts[1], parts[2]);
        var attention = q.Transpose(-2, -1).Matmul(k).Mul(scale).Softmax(-1);
        var mixed = v.Matmul(attention.Transpose(-2, -1)).View(b, c, h, w) + pe.Call(v.Reshape(b, c, h, w));
        return scope.Keep(proj.Call(mixed));
    }
}
