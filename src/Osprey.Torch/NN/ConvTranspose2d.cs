namespace Osprey.Torch.NN;

/// <summary>
/// torch.nn.ConvTranspose2d: weight [in, out/groups, kH, kW], optional bias [out]; zero padding only.
/// Same default init as Conv2d (fan_in is taken from weight dimension 1, as PyTorch does).
/// </summary>
public sealed class ConvTranspose2d : Module<Tensor, Tensor>
{
    static readonly Op convTranspose2d = new("aten::conv_transpose2d", "input");

    public long InChannels { get; }
    public long OutChannels { get; }
    public Size2 KernelSize { get; }
    public Size2 Stride { get; }
    public Size2 Padding { get; }
    public Size2 OutputPadding { get; }
    public Size2 Dilation { get; }
    public long Groups { get; }

    public Tensor Weight => Param("weight")!;
    public Tensor? Bias => Param("bias");

    public ConvTranspose2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
                           Size2? outputPadding = null, long groups = 1, bool bias = true, Size2? dilation = null)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"ConvTranspose2d: in_channels {inChannels} and out_channels {outChannels} must be divisible by groups {groups}");
        (InChannels, OutChannels, KernelSize, Groups) = (inChannels, outChannels, kernelSize, groups);
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        OutputPadding = outputPadding ?? 0;
        Dilation = dilation ?? 1;
        if (OutputPadding.H >= Math.Max(Stride.H, Dilation.H) || OutputPadding.W >= Math.Max(Stride.W, Dilation.W))
            throw new ArgumentException($"ConvTranspose2d: output_padding {OutputPadding} must be smaller than stride or dilation");

        var weight = RegisterParameter("weight", Tensor.Empty([inChannels, outChannels / groups, kernelSize.H, kernelSize.W]))!;
        var b = RegisterParameter("bias", bias ? Tensor.Empty([outChannels]) : null);
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (b != null) Init.FanInUniformBias(b, weight);
    }

    public override Tensor Forward(Tensor input) =>
        convTranspose2d.Tensor(input, Weight, Bias, Stride.ToArray(), Padding.ToArray(), OutputPadding.ToArray(), Groups,
                               Dilation.ToArray());

    public override string ToString() =>
        $"ConvTranspose2d({InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}, padding={Padding})";
}
