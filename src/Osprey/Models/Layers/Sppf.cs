using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' SPPF (fast spatial pyramid pooling): cv1 1x1 to c1/2, three chained k x k max-pools (stride 1,
/// padding k/2), the four maps concatenated and cv2 1x1 to c2. Children cv1, cv2, m (the one MaxPool2d).
/// </summary>
public sealed class Sppf : Module<Tensor, Tensor>
{
    readonly ConvBnAct cv1, cv2;
    readonly MaxPool2d m;

    public override string TypeName => "SPPF";

    public Sppf(long c1, long c2, Module<Tensor, Tensor>? activation, long k = 5)
    {
        var hidden = c1 / 2;
        cv1 = RegisterModule("cv1", new ConvBnAct(c1, hidden, activation, 1, 1));
        cv2 = RegisterModule("cv2", new ConvBnAct(hidden * 4, c2, activation, 1, 1));
        m = RegisterModule("m", new MaxPool2d(k, 1, k / 2));
    }

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var maps = new Tensor[4];
        maps[0] = cv1.Call(x);
        for (var i = 1; i < 4; i++) maps[i] = m.Call(maps[i - 1]);
        return scope.Keep(cv2.Call(Tensor.Cat(maps, 1)));
    }
}
