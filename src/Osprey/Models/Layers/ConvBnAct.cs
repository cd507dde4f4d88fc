using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' Conv: conv (no bias, "same" padding k/2 unless given) + BatchNorm (eps 1e-3, momentum 0.03, as
/// ultralytics' initialize_weights sets them) + activation. Children conv, bn, act. The activation is passed in:
/// YOLO models hand every Conv the same SiLU object (ultralytics' class attribute default_act), so the module tree
/// holds it once; null means no activation (act=False: a separate Identity per block, as in ultralytics).
/// <see cref="Fuse"/> folds the BatchNorm into the convolution for inference and drops it.
/// </summary>
public sealed class ConvBnAct : Module<Tensor, Tensor>, IBatchNormFoldable
{
    Conv2d conv;
    BatchNorm2d? bn;
    readonly Module<Tensor, Tensor> act;

    public override string TypeName => "Conv";
    public Conv2d Conv => conv;
    public bool IsFused => bn == null;

    public ConvBnAct(long c1, long c2, Module<Tensor, Tensor>? activation, long k = 1, long s = 1, long? p = null,
                     long g = 1, long d = 1)
    {
        var padding = p ?? (d > 1 ? d * (k - 1) + 1 : k) / 2;
        conv = RegisterModule("conv", new Conv2d(c1, c2, k, s, padding, d, g, bias: false));
        bn = RegisterModule("bn", new BatchNorm2d(c2, eps: 1e-3, momentum: 0.03));
        act = RegisterModule("act", activation ?? new Identity());
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var y = conv.Call(x);
        if (bn != null) y = bn.Call(y);
        return scope.Keep(act.Call(y));
    }

    /// <summary>
    /// Folds the BatchNorm's running statistics and affine into the convolution: w' = w * gamma / sqrt(var + eps),
    /// b' = beta - mean * gamma / sqrt(var + eps). The fused convolution has a bias and, as ultralytics' fuse
    /// makes it, does not require grad. Idempotent.
    /// </summary>
    public void Fuse()
    {
        if (bn == null) return;
        conv = RegisterModule("conv", BatchNormFolding.Fold(conv, bn));
        RemoveModule("bn");
        bn = null;
    }

    public int FoldOwnBatchNorms()
    {
        if (bn == null) return 0;
        Fuse();
        return 1;
    }
}
