namespace Osprey.Torch.NN;

/// <summary>torch.nn.GroupNorm: normalises each of <c>numGroups</c> channel groups per sample; affine weight
/// (ones) and bias (zeros) per channel.</summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    public long NumGroups { get; }
    public long NumChannels { get; }
    public double Eps { get; }
    public Tensor? Weight => Param("weight");
    public Tensor? Bias => Param("bias");

    public GroupNorm(long numGroups, long numChannels, double eps = 1e-5, bool affine = true)
    {
        if (numGroups <= 0 || numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: num_channels {numChannels} must be divisible by num_groups {numGroups}");
        (NumGroups, NumChannels, Eps) = (numGroups, numChannels, eps);
        RegisterParameter("weight", affine ? Tensor.Ones([numChannels]) : null);
        RegisterParameter("bias", affine ? Tensor.Zeros([numChannels]) : null);
    }

    public override Tensor Forward(Tensor input) => Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);

    public override string ToString() => $"GroupNorm({NumGroups}, {NumChannels}, eps={Eps}, affine={Weight != null})";
}
