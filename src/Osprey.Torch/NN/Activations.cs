namespace Osprey.Torch.NN;

/// <summary>torch.nn.ReLU (inplace=true applies relu_ to the input itself, as PyTorch does).</summary>
public sealed class ReLU(bool inplace = false) : Module<Tensor, Tensor>
{
    public bool Inplace { get; } = inplace;
    public override Tensor Forward(Tensor input) => Inplace ? Functional.ReluInPlace(input).Alias() : Functional.Relu(input);
    public override string ToString() => Inplace ? "ReLU(inplace=True)" : "ReLU()";
}

/// <summary>torch.nn.GELU, exact ("none") or tanh approximation.</summary>
public sealed class GELU(string approximate = "none") : Module<Tensor, Tensor>
{
    public string Approximate { get; } = approximate is "none" or "tanh" ? approximate
        : throw new ArgumentException($"GELU: approximate must be 'none' or 'tanh', got '{approximate}'");
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);
    public override string ToString() => Approximate == "none" ? "GELU()" : $"GELU(approximate='{Approximate}')";
}

/// <summary>torch.nn.SiLU: x * sigmoid(x).</summary>
public sealed class SiLU(bool inplace = false) : Module<Tensor, Tensor>
{
    public bool Inplace { get; } = inplace;
    public override Tensor Forward(Tensor input) => Inplace ? Functional.SiluInPlace(input).Alias() : Functional.Silu(input);
    public override string ToString() => Inplace ? "SiLU(inplace=True)" : "SiLU()";
}

public sealed class Sigmoid : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
    public override string ToString() => "Sigmoid()";
}

/// <summary>torch.nn.Hardswish: x * relu6(x + 3) / 6.</summary>
public sealed class Hardswish : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.Hardswish(input);
    public override string ToString() => "Hardswish()";
}
