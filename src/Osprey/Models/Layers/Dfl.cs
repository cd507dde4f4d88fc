using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' DFL (distribution focal loss integral): each box side is predicted as a distribution over
/// reg_max bins; softmax over the bins then a frozen 1x1 conv with weights 0..reg_max-1 gives its expectation.
/// (B, 4*reg_max, A) -> (B, 4, A). Child conv (weight [1, reg_max, 1, 1], requires_grad false).
/// </summary>
public sealed class Dfl : Module<Tensor, Tensor>
{
    readonly Conv2d conv;

    public long Bins { get; }
    public override string TypeName => "DFL";

    public Dfl(long bins = 16)
    {
        Bins = bins;
        conv = RegisterModule("conv", new Conv2d(bins, 1, 1, bias: false));
        using (var scope = TensorScope.Begin())
        using (Autograd.NoGrad())
            conv.Weight.CopyFrom(Tensor.Arange(0.0, bins).View(1, bins, 1, 1));
        conv.RequiresGrad(false);
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        long b = x.Size(0), anchors = x.Size(2);
        var probabilities = x.View(b, 4, Bins, anchors).Transpose(2, 1).Softmax(1);
        return scope.Keep(conv.Call(probabilities).View(b, 4, anchors));
    }
}
