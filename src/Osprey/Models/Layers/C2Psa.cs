using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' C2PSA (YOLO11): cv1 1x1 to 2c (c = c1*e) split in halves a, b; b goes through n PSA blocks with
/// c/64 heads; cv2 1x1 fuses cat(a, b) back to c1. Input and output channels must be equal. Children cv1, cv2, m.
/// </summary>
public sealed class C2Psa : Module<Tensor, Tensor>
{
    readonly ConvBnAct cv1, cv2;
    readonly Sequential m;
    readonly long c;

    public override string TypeName => "C2PSA";

    public C2Psa(long c1, long c2, Module<Tensor, Tensor>? activation, long n = 1, double e = 0.5)
    {
        if (c1 != c2) throw new ArgumentException($"C2PSA: input channels {c1} must equal output channels {c2}");
        c = (long)(c1 * e);
        cv1 = RegisterModule("cv1", new ConvBnAct(c1, 2 * c, activation, 1, 1));
        cv2 = RegisterModule("cv2", new ConvBnAct(2 * c, c1, activation, 1));
        m = RegisterModule("m", new Sequential(Enumerable.Range(0, (int)n).Select(_ => new PsaBlock(c, activation, 0.5, c / 64))));
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var halves = cv1.Call(x).Split([c, c], 1);
        return scope.Keep(cv2.Call(Tensor.Cat([halves[0], m.Call(halves[1])], 1)));
    }
}
