using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>fn(x) + x (YOLO-FaceV2's Residual, used inside SEAM and DcovN). Child fn.</summary>
public sealed class Residual : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> fn;

    public Residual(Module<Tensor, Tensor> fn) => this.fn = RegisterModule("fn", fn);

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(fn.Call(x) + x);
    }
}
