using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// UNet's pair of 3x3 convolutions, each followed by ReLU (child "double_conv", a Sequential, as the common
/// PyTorch UNet names it). Valid: no padding (the paper); else padding 1. With BatchNorm the convolutions
/// have no bias and each is followed by BN.
/// </summary>
public sealed class DoubleConv : Module<Tensor, Tensor>
{
    readonly Sequential layers;

    public DoubleConv(long inChannels, long outChannels, bool valid, bool batchNorm)
    {
        long padding = valid ? 0 : 1;
        layers = new Sequential();
        foreach (var (cin, cout) in new[] { (inChannels, outChannels), (outChannels, outChannels) })
        {
            layers.Add(new Conv2d(cin, cout, 3, 1, padding: padding, bias: !batchNorm));
            if (batchNorm) layers.Add(new BatchNorm2d(cout));
            layers.Add(new ReLU(inplace: true));
        }
        RegisterModule("double_conv", layers);
    }

    public override Tensor Forward(Tensor x) => layers.Call(x);
}
