namespace Osprey.Torch.NN;

/// <summary>
/// torch.nn.Conv2d: weight [out, in/groups, kH, kW], optional bias [out]. padding_mode "zeros", "reflect",
/// "replicate" or "circular"; padding may be "same" (stride 1) or "valid". Default init as PyTorch:
/// kaiming_uniform_(a=sqrt(5)) weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) bias.
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    public long InChannels { get; }
    public long OutChannels { get; }
    public Size2 KernelSize { get; }
    public Size2 Stride { get; }
    public ConvPadding Padding { get; }
    public Size2 Dilation { get; }
    public long Groups { get; }
    public string PaddingMode { get; }

    public Tensor Weight => Param("weight")!;
    public Tensor? Bias => Param("bias");

    public Conv2d(long inChannels, long outChannels, Size2 kernelSize, Size2? stride = null, ConvPadding? padding = null,
                  Size2? dilation = null, long groups = 1, bool bias = true, string paddingMode = "zeros")
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: in_channels {inChannels} and out_channels {outChannels} must be divisible by groups {groups}");
        if (paddingMode is not ("zeros" or "reflect" or "replicate" or "circular"))
            throw new ArgumentException($"Conv2d: padding_mode must be zeros, reflect, replicate or circular, got '{paddingMode}'");
        (InChannels, OutChannels, KernelSize, Groups, PaddingMode) = (inChannels, outChannels, kernelSize, groups, paddingMode);
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        if (Padding.Mode == "same" && Stride != new Size2(1, 1))
            throw new ArgumentException("Conv2d: padding='same' is not supported for strided convolutions");

        var weight = RegisterParameter("weight", Tensor.Empty([outChannels, inChannels / groups, kernelSize.H, kernelSize.W]))!;
        var b = RegisterParameter("bias", bias ? Tensor.Empty([outChannels]) : null);
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (b != null) Init.FanInUniformBias(b, weight);
    }

    /// <summary>Padding per side (left, right, top, bottom), as F.pad takes it.</summary>
    long[] SidePadding()
    {
        if (Padding.Mode == "valid") return [0, 0, 0, 0];
        if (Padding.Mode == "same")
        {
            long totalH = Dilation.H * (KernelSize.H - 1), totalW = Dilation.W * (KernelSize.W - 1);
            return [totalW / 2, totalW - totalW / 2, totalH / 2, totalH - totalH / 2];
        }
        return [Padding.Amount.W, Padding.Amount.W, Padding.Amount.H, Padding.Amount.H];
    }

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var pads = SidePadding();
        bool symmetric = pads[0] == pads[1] && pads[2] == pads[3];
        Tensor output;
        if (PaddingMode == "zeros" && symmetric)
        {
            output = Functional.Conv2d(input, Weight, Bias, Stride.ToArray(), [pads[2], pads[0]], Dilation.ToArray(), Groups);
        }
        else
        {
            var padded = Functional.Pad(input, pads, PaddingMode == "zeros" ? "constant" : PaddingMode);
            output = Functional.Conv2d(padded, Weight, Bias, Stride.ToArray(), [0, 0], Dilation.ToArray(), Groups);
        }
        return scope.Keep(output);
    }

    public override string ToString() =>
        $"Conv2d({InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}, padding={Padding}" +
        (Dilation != new Size2(1, 1) ? $", dilation={Dilation}" : "") + (Groups != 1 ? $", groups={Groups}" : "") +
        (Bias == null ? ", bias=False" : "") + (PaddingMode != "zeros" ? $", padding_mode={PaddingMode}" : "") + ")";
}
