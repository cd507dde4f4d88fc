using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// The attention slot of a residual block: what (if anything) recalibrates the residual branch before the
/// addition. <see cref="None"/> gives plain ResNet; <see cref="SqueezeExcitation"/> gives SE-ResNet.
/// </summary>
public sealed record ResidualAttention(string Name, Func<long, Module<Tensor, Tensor>?> Create)
{
    public static readonly ResidualAttention None = new("none", _ => null);

    /// <summary>SE with reduction r (16 in the paper); timmForm: 1x1 convolutions with bias, as timm builds it.</summary>
    public static ResidualAttention Se(long reduction = 16, bool timmForm = false) =>
        new($"se(r={reduction}{(timmForm ? ", timm" : "")})", channels => new Layers.SqueezeExcitation(channels, reduction, timmForm));
}
