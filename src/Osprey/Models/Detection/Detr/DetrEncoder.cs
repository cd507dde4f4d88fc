using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>The encoder stack ("encoder"): child "layers", each layer fed the previous one's output with the
/// same mask and positions. Post-norm layers, so no final norm (the official code builds none).</summary>
public sealed class DetrEncoder : Module<DetrEncoderInput, Tensor>
{
    public ModuleList<DetrEncoderLayer> Layers { get; }

    public DetrEncoder(int layers, long dModel, long heads, long feedForward, double dropout)
    {
        Layers = RegisterModule("layers", new ModuleList<DetrEncoderLayer>(
            Enumerable.Range(0, layers).Select(_ => new DetrEncoderLayer(dModel, heads, feedForward, dropout))));
    }

    public override Tensor Forward(DetrEncoderInput input)
    {
        using var scope = TensorScope.Begin();
        var x = input.Src;
        foreach (var layer in Layers) x = layer.Call(input with { Src = x });
        return scope.Keep(x);
    }
}
