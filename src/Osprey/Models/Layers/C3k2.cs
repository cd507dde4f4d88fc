using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' C3k2 (YOLO11): a C2f whose units are C3k blocks (two k=3 bottlenecks each) when <c>c3k</c>, else
/// plain bottlenecks with e=0.5. Built as ultralytics builds it: the C2f units first (with a throwaway activation
/// object, so disposing them spares the shared one), then replaced.
/// </summary>
public sealed class C3k2 : C2f
{
    public C3k2(long c1, long c2, Module<Tensor, Tensor>? activation, long n = 1, bool c3k = false, double e = 0.5,
                long g = 1, bool shortcut = true)
        : base(c1, c2, activation, new SiLU(), n, shortcut, g, e)
    {
        ReplaceUnits(Enumerable.Range(0, (int)n).Select(_ => c3k
            ? (Module<Tensor, Tensor>)new C3k(Hidden, Hidden, activation, 2, shortcut, g)
            : new CspBottleneck(Hidden, Hidden, activation, shortcut, g)));
    }
}
