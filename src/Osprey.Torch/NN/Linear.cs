namespace Osprey.Torch.NN;

/// <summary>torch.nn.Linear: y = x W^T + b with weight [out, in]; default init kaiming_uniform_(a=sqrt(5)) and
/// bias U(-1/sqrt(in), 1/sqrt(in)).</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    public long InFeatures { get; }
    public long OutFeatures { get; }
    public Tensor Weight => Param("weight")!;
    public Tensor? Bias => Param("bias");

    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        var weight = RegisterParameter("weight", Tensor.Empty([outFeatures, inFeatures]))!;
        var b = RegisterParameter("bias", bias ? Tensor.Empty([outFeatures]) : null);
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (b != null) Init.FanInUniformBias(b, weight);
    }

    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);

    public override string ToString() => $"Linear(in_features={InFeatures}, out_features={OutFeatures}, bias={Bias != null})";
}
