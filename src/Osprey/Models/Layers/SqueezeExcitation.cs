using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// Squeeze-and-Excitation (Hu et al.): global average pool, FC C -> C/r, ReLU, FC C/r -> C, sigmoid, and
/// channel-wise rescaling of the input. The paper's form uses FCs without bias (children fc1, fc2: Linear);
/// the timm form uses 1x1 convolutions with bias and rounds C/r up to a multiple of 8, as timm's SEModule does.
/// </summary>
public sealed class SqueezeExcitation : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> fc1, fc2;
    readonly bool convForm;

    public long Channels { get; }
    public long ReducedChannels { get; }

    public SqueezeExcitation(long channels, long reduction = 16, bool timmForm = false)
    {
        if (channels < 1 || reduction < 1)
            throw new ArgumentException($"SqueezeExcitation: channels {channels} and reduction {reduction} must be positive");
        Channels = channels;
        convForm = timmForm;
        ReducedChannels = timmForm ? MakeDivisible(channels / (double)reduction, 8) : Math.Max(1, channels / reduction);
        if (timmForm)
        {
            fc1 = RegisterModule("fc1", new Conv2d(channels, ReducedChannels, 1));
            fc2 = RegisterModule("fc2", new Conv2d(ReducedChannels, channels, 1));
        }
        else
        {
            fc1 = RegisterModule("fc1", new Linear(channels, ReducedChannels, bias: false));
            fc2 = RegisterModule("fc2", new Linear(ReducedChannels, channels, bias: false));
        }
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(x * Gate(x.Mean([2, 3], keepDim: true)));
    }

    /// <summary>The per-channel weights (N, C, 1, 1) in (0, 1) from the spatial means of the input (N, C, 1, 1).</summary>
    public Tensor Gate(Tensor squeezed)
    {
        using var scope = TensorScope.Begin();
        var s = convForm ? squeezed : squeezed.Flatten(1);
        var weights = fc2.Call(Functional.Relu(fc1.Call(s))).Sigmoid();
        return scope.Keep(convForm ? weights : weights.View(weights.Size(0), Channels, 1, 1));
    }

    /// <summary>timm's make_divisible: round to the nearest multiple, never below 90% of the value.</summary>
    static long MakeDivisible(double value, long divisor)
    {
        var rounded = Math.Max(divisor, (long)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }
}
