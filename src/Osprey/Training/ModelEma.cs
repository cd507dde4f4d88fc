using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Training;

/// <summary>
/// An exponential moving average of a model's weights, as ultralytics' ModelEMA: after each optimizer step
/// ema = d * ema + (1 - d) * weights with d = decay * (1 - exp(-updates / tau)), a ramp that lets the average follow
/// the fast early changes. Buffers (BatchNorm statistics) are copied, not averaged. Owns its copy of the model.
/// </summary>
public sealed class ModelEma : IDisposable
{
    readonly (Tensor Ema, Tensor Live)[] parameters, buffers;

    /// <param name="copy">A freshly built model of the same architecture; it becomes the average (this object owns it).</param>
    public ModelEma(Module model, Module copy, double decay, double tau)
    {
        (Model, Decay, Tau) = (copy, decay, tau);
        parameters = Pair(copy.NamedParameters(), model.NamedParameters());
        buffers = Pair(copy.NamedBuffers(), model.NamedBuffers());
        copy.RequiresGrad(false);
        using (var noGrad = Autograd.NoGrad())
            foreach (var (ema, live) in parameters.Concat(buffers)) ema.CopyFrom(live);
        copy.Eval();
    }

    public Module Model { get; }
    public double Decay { get; }
    public double Tau { get; }
    public long Updates { get; set; }

    /// <summary>The decay the next update uses.</summary>
    public double CurrentDecay(long updates) => Decay * (1 - Math.Exp(-updates / Tau));

    public void Update()
    {
        Updates++;
        double d = CurrentDecay(Updates);
        using var noGrad = Autograd.NoGrad();
        foreach (var (ema, live) in parameters) ema.LerpInPlace(live, 1 - d);
        foreach (var (ema, live) in buffers) ema.CopyFrom(live);
    }

    static (Tensor, Tensor)[] Pair(IEnumerable<(string Name, Tensor Tensor)> ema, IEnumerable<(string Name, Tensor Tensor)> live)
    {
        var e = ema.ToArray();
        var l = live.ToArray();
        if (e.Length != l.Length || e.Zip(l).Any(p => p.First.Name != p.Second.Name || !p.First.Tensor.Shape.SequenceEqual(p.Second.Tensor.Shape)))
            throw new ArgumentException("EMA: the copy's parameters and buffers differ from the model's");
        return e.Zip(l, (a, b) => (a.Tensor, b.Tensor)).ToArray();
    }

    public void Dispose() => Model.Dispose();
}
