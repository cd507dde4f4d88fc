using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// PSPNet's pyramid pooling module: for each bin size (1, 2, 3, 6) adaptive average pooling, a 1x1
/// convolution to C/levels channels with BN and ReLU, bilinear up-sampling (align_corners true, as the
/// authors' code) back to the input's size; the input and every level are concatenated (2C channels).
/// Children "features.{i}" = Sequential(pool, conv, bn, relu).
/// </summary>
public sealed class PyramidPooling : Module<Tensor, Tensor>
{
    readonly ModuleList<Sequential> features;

    public long InChannels { get; }
    public long OutChannels { get; }

    public PyramidPooling(long inChannels, long[] bins)
    {
        if (bins.Length == 0 || inChannels % bins.Length != 0)
            throw new ArgumentException($"PyramidPooling: {inChannels} channels do not divide into {bins.Length} levels");
        long reduced = inChannels / bins.Length;
        features = RegisterModule("features", new ModuleList<Sequential>(bins.Select(bin => new Sequential(
            new AdaptiveAvgPool2d(bin),
            new Conv2d(inChannels, reduced, 1, bias: false),
            new BatchNorm2d(reduced),
            new ReLU(inplace: true)))));
        InChannels = inChannels;
        OutChannels = inChannels + reduced * bins.Length;
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        long[] size = [x.Size(2), x.Size(3)];
        var levels = new List<Tensor> { x };
        foreach (var level in features)
            levels.Add(Functional.Interpolate(level.Call(x), size, mode: "bilinear", alignCorners: true));
        return scope.Keep(Tensor.Cat(levels.ToArray(), 1));
    }
}
