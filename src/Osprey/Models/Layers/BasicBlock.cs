using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ResNet's basic block (two 3x3 convolutions), torchvision's names: conv1, bn1, conv2, bn2, downsample,
/// and se when an SE block recalibrates the residual branch (after bn2, before the addition).
/// Unlike torchvision it accepts dilation > 1 (padding = dilation), so SE-ResNet-18/34 can be dilated too.
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>, IBatchNormFoldable
{
    public const int Expansion = 1;

    Conv2d conv1, conv2;
    Module<Tensor, Tensor> bn1, bn2;
    readonly Module<Tensor, Tensor>? se, downsample;

    /// <param name="norm">Builds each norm layer from its channel count; BatchNorm2d when null.</param>
    public BasicBlock(long inplanes, long planes, long stride, long dilation, Sequential? downsample, ResidualAttention attention,
                      Func<long, Module<Tensor, Tensor>>? norm = null)
    {
        norm ??= c => new BatchNorm2d(c);
        conv1 = RegisterModule("conv1", new Conv2d(inplanes, planes, 3, stride, padding: dilation, dilation: dilation, bias: false));
        bn1 = RegisterModule("bn1", norm(planes));
        conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, 1, padding: dilation, dilation: dilation, bias: false));
        bn2 = RegisterModule("bn2", norm(planes));
        if (attention.Create(planes) is { } a) se = RegisterModule("se", a);
        if (downsample != null) this.downsample = RegisterModule("downsample", downsample);
    }

    public Module<Tensor, Tensor> LastNorm => bn2;

    public int FoldOwnBatchNorms() =>
        (this.FoldPair("conv1", ref conv1, "bn1", ref bn1) ? 1 : 0) + (this.FoldPair("conv2", ref conv2, "bn2", ref bn2) ? 1 : 0);

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var y = Functional.ReluInPlace(conv1.Call(x).Through(bn1));
        y = y.Through(conv2).Through(bn2);
        if (se != null) y = y.Through(se);
        var identity = downsample?.Call(x) ?? x;
        return scope.Keep(Functional.ReluInPlace(y.AddInPlace(identity)));
    }
}
