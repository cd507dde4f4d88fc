namespace Osprey.Torch.NN;

/// <summary>torch.nn.LayerNorm over the trailing <c>normalizedShape</c> dimensions, with elementwise affine
/// weight (ones) and bias (zeros) of that shape.</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public long[] NormalizedShape { get; }
    public double Eps { get; }
    public Tensor? Weight => Param("weight");
    public Tensor? Bias => Param("bias");

    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        (NormalizedShape, Eps) = ((long[])normalizedShape.Clone(), eps);
        RegisterParameter("weight", elementwiseAffine ? Tensor.Ones(NormalizedShape) : null);
        RegisterParameter("bias", elementwiseAffine ? Tensor.Zeros(NormalizedShape) : null);
    }

    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
        : this([normalizedShape], eps, elementwiseAffine) { }

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);

    public override string ToString() => $"LayerNorm(({string.Join(", ", NormalizedShape)}), eps={Eps})";
}
