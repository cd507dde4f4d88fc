namespace Osprey.Torch.NN;

/// <summary>torch.nn.Dropout2d: in training zeroes whole channels with probability p (scaling the rest by
/// 1/(1-p)); identity in eval.</summary>
public sealed class Dropout2d : Module<Tensor, Tensor>
{
    static readonly Op featureDropout = new("aten::feature_dropout");

    public double P { get; }

    public Dropout2d(double p = 0.5)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"Dropout2d: probability must be in [0, 1], got {p}");
        P = p;
    }

    public override Tensor Forward(Tensor input) => featureDropout.Tensor(input, P, IsTraining);

    public override string ToString() => $"Dropout2d(p={P})";
}
