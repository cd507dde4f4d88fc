using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>ultralytics' Concat: concatenates its inputs along a dimension (channels by default).</summary>
public sealed class Concat(long dimension = 1) : Module<IReadOnlyList<Tensor>, Tensor>
{
    public long Dimension { get; } = dimension;

    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => Tensor.Cat(inputs.ToArray(), Dimension);

    public override string ToString() => $"Concat(dimension={Dimension})";
}
