using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// The decoder stack ("decoder"): children "layers" and "norm". Each layer reads the previous layer's un-normed
/// output; every layer's output is also passed through the shared final LayerNorm and kept (return_intermediate),
/// so the result is (layers, Q, N, d) with the last entry the decoder's final output.
/// </summary>
public sealed class DetrDecoder : Module<DetrDecoderInput, Tensor>
{
    public ModuleList<DetrDecoderLayer> Layers { get; }
    public LayerNorm Norm { get; }

    public DetrDecoder(int layers, long dModel, long heads, long feedForward, double dropout)
    {
        if (layers < 1) throw new ArgumentException($"DetrDecoder: needs at least one layer, got {layers}");
        Layers = RegisterModule("layers", new ModuleList<DetrDecoderLayer>(
            Enumerable.Range(0, layers).Select(_ => new DetrDecoderLayer(dModel, heads, feedForward, dropout))));
        Norm = RegisterModule("norm", new LayerNorm(dModel));
    }

    public override Tensor Forward(DetrDecoderInput input)
    {
        using var scope = TensorScope.Begin();
        var x = input.Tgt;
        var normed = new Tensor[Layers.Count];
        for (int i = 0; i < Layers.Count; i++)
        {
            x = Layers[i].Call(input with { Tgt = x });
            normed[i] = Norm.Call(x);
        }
        return scope.Keep(Tensor.Stack(normed));
    }
}
