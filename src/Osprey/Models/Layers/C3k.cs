using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' C3k: the C3 block (cv1 and cv2 1x1 to c2*e channels, n bottlenecks on the cv1 path, concatenation,
/// cv3 1x1 to c2) with k x k bottlenecks. Like ultralytics, it first builds C3's (1, 3) bottlenecks and then
/// replaces them, so a seeded build draws the same random numbers. Children cv1, cv2, cv3, m (Sequential).
/// </summary>
public sealed class C3k : Module<Tensor, Tensor>
{
    readonly ConvBnAct cv1, cv2, cv3;
    readonly Sequential m;

    public C3k(long c1, long c2, Module<Tensor, Tensor>? activation, long n = 1, bool shortcut = true, long g = 1,
               double e = 0.5, long k = 3)
    {
        var hidden = (long)(c2 * e);
        cv1 = RegisterModule("cv1", new ConvBnAct(c1, hidden, activation, 1, 1));
        cv2 = RegisterModule("cv2", new ConvBnAct(c1, hidden, activation, 1, 1));
        cv3 = RegisterModule("cv3", new ConvBnAct(2 * hidden, c2, activation, 1));
        RegisterModule("m", Units(hidden, new SiLU(), n, shortcut, g, (1, 3))); // discarded: its own activation object
        m = RegisterModule("m", Units(hidden, activation, n, shortcut, g, (k, k)));
    }

    static Sequential Units(long c, Module<Tensor, Tensor>? activation, long n, bool shortcut, long g, (long, long) k) =>
        new(Enumerable.Range(0, (int)n).Select(_ => new CspBottleneck(c, c, activation, shortcut, g, k, 1.0)));

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(cv3.Call(Tensor.Cat([m.Call(cv1.Call(x)), cv2.Call(x)], 1)));
    }
}
