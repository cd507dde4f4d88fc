using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// SEAM, separated and enhancement attention (YOLO-FaceV2, as its ultralytics-based SEAM code builds it): n units of
/// [Residual(depthwise 3x3 conv, GELU, BN), pointwise 1x1 conv, GELU, BN] (DCovN), global average pool, a
/// two-layer bias-free FC (C -> C/r, ReLU, -> C, sigmoid), exp, and channel-wise rescaling of the input, which
/// is returned with the same channels (c2 is forced to c1). Init as the seed: every conv of the block
/// Xavier-uniform (gain 1, biases left at PyTorch's default), BN weight 1 and bias 0; the seed's second step
/// (normal(0, 0.001) for the FC) is applied to the fc Sequential itself, which is neither Conv2d nor Linear, so
/// the FC layers keep PyTorch's default init. BatchNorms use eps 1e-3 and momentum 0.03 as ultralytics'
/// initialize_weights sets every BatchNorm2d of a model. Children DCovN, avg_pool, fc.
/// </summary>
public sealed class Seam : Module<Tensor, Tensor>
{
    readonly Sequential dcovn, fc;
    readonly AdaptiveAvgPool2d avgPool;

    public override string TypeName => "SEAM";
    public long Channels { get; }

    public Seam(long c1, long c2, long n, long reduction = 16)
    {
        _ = c2; // the seed replaces c2 by c1
        Channels = c1;
        dcovn = RegisterModule("DCovN", new Sequential(Enumerable.Range(0, (int)n).Select(_ => Unit(c1))));
        avgPool = RegisterModule("avg_pool", new AdaptiveAvgPool2d(1));
        fc = RegisterModule("fc", AttentionFc(c1, reduction));
        foreach (var module in Modules())
            if (module is Conv2d conv) Init.XavierUniform(conv.Weight, gain: 1);
    }

    static Sequential Unit(long c) => new(
        new Residual(new Sequential(new Conv2d(c, c, 3, 1, 1, groups: c), new GELU(), YoloBatchNorm(c))),
        new Conv2d(c, c, 1, 1, 0), new GELU(), YoloBatchNorm(c));

    /// <summary>A BatchNorm2d with ultralytics' model-wide eps 1e-3 and momentum 0.03.</summary>
    internal static BatchNorm2d YoloBatchNorm(long c) => new(c, eps: 1e-3, momentum: 0.03);

    /// <summary>Linear(C, C/r, no bias), ReLU(inplace), Linear(C/r, C, no bias), Sigmoid.</summary>
    internal static Sequential AttentionFc(long c, long reduction) => new(
        new Linear(c, c / reduction, bias: false), new ReLU(inplace: true), new Linear(c / reduction, c, bias: false), new Sigmoid());

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        long b = x.Size(0), c = x.Size(1);
        var pooled = avgPool.Call(dcovn.Call(x)).View(b, c);
        var weights = fc.Call(pooled).View(b, c, 1, 1).Exp();
        return scope.Keep(x * weights.ExpandAs(x));
    }
}
