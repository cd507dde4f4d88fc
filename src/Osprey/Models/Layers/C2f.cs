using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// ultralytics' C2f (CSP bottleneck with 2 convolutions): cv1 (1x1) to 2c channels (c = c2*e), split in two halves,
/// each unit of m applied in turn to the last piece, everything concatenated and fused by cv2 (1x1) to c2.
/// Children cv1, cv2, m (a list). C3k2 derives from it and replaces m, as ultralytics does.
/// </summary>
public class C2f : Module<Tensor, Tensor>
{
    readonly ConvBnAct cv1, cv2;
    ModuleList<Module<Tensor, Tensor>> m;

    /// <summary>Hidden channels c = c2 * e.</summary>
    public long Hidden { get; }

    public C2f(long c1, long c2, Module<Tensor, Tensor>? activation, long n = 1, bool shortcut = false, long g = 1, double e = 0.5)
        : this(c1, c2, activation, activation, n, shortcut, g, e) { }

    /// <summary>For subclasses that replace the units: those get <paramref name="unitActivation"/>, so that disposing
    /// them leaves the model's shared activation alone.</summary>
    protected C2f(long c1, long c2, Module<Tensor, Tensor>? activation, Module<Tensor, Tensor>? unitActivation, long n, bool shortcut,
                  long g, double e)
    {
        Hidden = (long)(c2 * e);
        cv1 = RegisterModule("cv1", new ConvBnAct(c1, 2 * Hidden, activation, 1, 1));
        cv2 = RegisterModule("cv2", new ConvBnAct((2 + n) * Hidden, c2, activation, 1));
        m = RegisterModule("m", new ModuleList<Module<Tensor, Tensor>>(
            Enumerable.Range(0, (int)n).Select(_ => (Module<Tensor, Tensor>)new CspBottleneck(Hidden, Hidden, unitActivation, shortcut, g, (3, 3), 1.0))));
    }

    /// <summary>Replaces the units (the old ones are disposed).</summary>
    protected void ReplaceUnits(IEnumerable<Module<Tensor, Tensor>> units) =>
        m = RegisterModule("m", new ModuleList<Module<Tensor, Tensor>>(units));

    public override Tensor Forward(Tensor x)
    {
        using var scope = TensorScope.Begin();
        var parts = cv1.Call(x).Chunk(2, 1).ToList();
        foreach (var unit in m) parts.Add(unit.Call(parts[^1]));
        return scope.Keep(cv2.Call(Tensor.Cat(parts.ToArray(), 1)));
    }
}
