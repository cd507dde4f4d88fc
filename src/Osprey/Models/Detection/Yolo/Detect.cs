using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// ultralytics' Detect head as YOLO11 builds it (legacy = false): box branch Conv 3x3, Conv 3x3, 1x1 conv to 64
/// bins; class branch [depthwise Conv 3x3, Conv 1x1], [depthwise Conv 3x3, Conv 1x1], 1x1 conv to the classes.
/// </summary>
public sealed class Detect : DetectHead
{
    public Detect(long numClasses, IReadOnlyList<long> inChannels, Module<Tensor, Tensor> activation)
        : base(numClasses, inChannels)
    {
        var (c2, c3) = BranchChannels();
        SetBranches(
            inChannels.Select(x => new Sequential(new ConvBnAct(x, c2, activation, 3), new ConvBnAct(c2, c2, activation, 3),
                                                  new Conv2d(c2, 4 * RegMax, 1))).ToList(),
            inChannels.Select(x => new Sequential(
                new Sequential(DepthwiseConv(x, x, activation), new ConvBnAct(x, c3, activation, 1)),
                new Sequential(DepthwiseConv(c3, c3, activation), new ConvBnAct(c3, c3, activation, 1)),
                new Conv2d(c3, numClasses, 1))).ToList());
    }

    /// <summary>ultralytics' DWConv(c1, c2, 3): a Conv with groups gcd(c1, c2).</summary>
    static ConvBnAct DepthwiseConv(long c1, long c2, Module<Tensor, Tensor> activation) =>
        new(c1, c2, activation, 3, g: (long)System.Numerics.BigInteger.GreatestCommonDivisor(c1, c2));
}
