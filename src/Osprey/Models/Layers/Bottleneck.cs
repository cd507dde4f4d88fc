using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ResNet's bottleneck block (1x1 reduce, 3x3 with the stride and dilation, 1x1 expand by 4), torchvision's
/// names conv1..3, bn1..3, downsample; an SE block (child "se") rescales the residual branch after bn3.
/// </summary>
public sealed class Bottleneck : Module<Tensor, Tensor>, IBatchNormFoldable
{
    public const int Expansion = 4;

    Conv2d conv1, conv2, conv3;
    Module<Tensor, Tensor> bn1, bn2, bn3;
    readonly Module<Tensor, Tensor>? se, downsample;

    /// <param name="norm">Builds each norm layer from its channel count; BatchNorm2d when null.</param>
    public Bottleneck(long inplanes, long planes, long stride, long dilation, Sequential? downsample, ResidualAttention attention,
                      Func<long, Module<Tensor, Tensor>>? norm = null)
    {
        norm ??= c => new BatchNorm2d(c);
        conv1 = RegisterModule("conv1", new Conv2d(inplanes, planes, 1, bias: false));
        bn1 = RegisterModule("bn1", norm(planes));
        conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, stride, padding: dilation, dilation: dilation, bias: false));
        bn2 = RegisterModule("bn2", norm(planes));
        conv3 = RegisterModule("conv3", new Conv2d(planes, planes * Expansion, 1, bias: false));
        bn3 = RegisterModule("bn3", norm(planes * Expansion));
        if (attention.Create(planes * Expansion) is { } a) se = RegisterModule("se", a);
        if (downsample != null) this.downsample = RegisterModule("downsample", downsample);
    }

    public Module<Tensor, Tensor> LastNorm => bn3;

    public int FoldOwnBatchNorms() =>
        (this.FoldPair("conv1", ref conv1, "bn1", ref bn1) ? 1 : 0) + (this.FoldPair("conv2", ref conv2, "bn2", ref bn2) ? 1 : 0) +
        (this.FoldPair("conv3", ref conv3, "bn3", ref bn3) ? 1 : 0);

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var y = Functional.ReluInPlace(conv1.Call(x).Through(bn1));
        y = Functional.ReluInPlace(y.Through(conv2).Through(bn2));
        y = y.Through(conv3).Through(bn3);
        if (se != null) y = y.Through(se);
        var identity = downsample?.Call(x) ?? x;
        return scope.Keep(Functional.ReluInPlace(y.AddInPlace(identity)));
    }
}
