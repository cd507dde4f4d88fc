using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' Bottleneck (the unit of the CSP blocks C2f, C3k, C3k2): Conv k1 to c2*e channels, Conv k2
/// (groups g) back to c2, plus the input when <c>shortcut</c> and c1 == c2. Children cv1, cv2.
/// </summary>
public sealed class CspBottleneck : Module<Tensor, Tensor>
{
    readonly ConvBnAct cv1, cv2;

    public override string TypeName => "Bottleneck";
    public bool Adds { get; }

    public CspBottleneck(long c1, long c2, Module<Tensor, Tensor>? activation, bool shortcut = true, long g = 1,
                         (long First, long Second)? k = null, double e = 0.5)
    {
        var kernels = k ?? (3, 3);
        var hidden = (long)(c2 * e);
        cv1 = RegisterModule("cv1", new ConvBnAct(c1, hidden, activation, kernels.First, 1));
        cv2 = RegisterModule("cv2", new ConvBnAct(hidden, c2, activation, kernels.Second, 1, g: g));
        Adds = shortcut && c1 == c2;
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var y = cv2.Call(cv1.Call(x));
        return scope.Keep(Adds ? x + y : y);
    }
}
