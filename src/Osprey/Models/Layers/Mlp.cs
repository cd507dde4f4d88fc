using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// A plain multi-layer perceptron: child "layers" (Linear in -> hidden, hidden -> hidden, ..., hidden -> out),
/// ReLU after every layer but the last. DETR's box head is Mlp(256, 256, 4, 3).
/// </summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    public ModuleList<Linear> Layers { get; }

    public Mlp(long inFeatures, long hidden, long outFeatures, int layers)
    {
        if (layers < 1) throw new ArgumentException($"Mlp: needs at least one layer, got {layers}");
        var widths = new List<long> { inFeatures };
        widths.AddRange(Enumerable.Repeat(hidden, layers - 1));
        widths.Add(outFeatures);
        Layers = RegisterModule("layers", new ModuleList<Linear>(
            Enumerable.Range(0, layers).Select(i => new Linear(widths[i], widths[i + 1]))));
    }

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var x = input;
        for (int i = 0; i < Layers.Count; i++)
        {
            x = Layers[i].Call(x);
            if (i < Layers.Count - 1) x = Functional.Relu(x);
        }
        return scope.Keep(x);
    }
}
