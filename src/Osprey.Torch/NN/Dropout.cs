namespace Osprey.Torch.NN;

/// <summary>torch.nn.Dropout: in training zeroes each element with probability p and scales the rest by
/// 1/(1-p); identity in eval.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    public double P { get; }

    public Dropout(double p = 0.5)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"Dropout: probability must be in [0, 1], got {p}");
        P = p;
    }

    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, IsTraining);

    public override string ToString() => $"Dropout(p={P})";
}

/// <summary>torch.nn.Identity: returns its input (as a new handle, so the caller owns what it gets back).</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Alias();

    public override string ToString() => "Identity()";
}

/// <summary>torch.nn.Flatten: flattens dimensions start_dim..end_dim (default 1..-1).</summary>
public sealed class Flatten(long startDim = 1, long endDim = -1) : Module<Tensor, Tensor>
{
    public long StartDim { get; } = startDim;
    public long EndDim { get; } = endDim;

    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);

    public override string ToString() => $"Flatten(start_dim={StartDim}, end_dim={EndDim})";
}
