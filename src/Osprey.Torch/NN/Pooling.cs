namespace Osprey.Torch.NN;

/// <summary>torch.nn.MaxPool2d (square window; stride defaults to the kernel size).</summary>
public sealed class MaxPool2d(long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false)
    : Module<Tensor, Tensor>
{
    public long KernelSize { get; } = kernelSize;
    public long Stride { get; } = stride ?? kernelSize;
    public long Padding { get; } = padding;
    public long Dilation { get; } = dilation;
    public bool CeilMode { get; } = ceilMode;

    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
    public override string ToString() => $"MaxPool2d(kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={CeilMode})";
}

/// <summary>torch.nn.AvgPool2d (square window; stride defaults to the kernel size).</summary>
public sealed class AvgPool2d(long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false,
                              bool countIncludePad = true, long? divisorOverride = null) : Module<Tensor, Tensor>
{
    public long KernelSize { get; } = kernelSize;
    public long Stride { get; } = stride ?? kernelSize;
    public long Padding { get; } = padding;
    public bool CeilMode { get; } = ceilMode;
    public bool CountIncludePad { get; } = countIncludePad;
    public long? DivisorOverride { get; } = divisorOverride;

    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);
    public override string ToString() => $"AvgPool2d(kernel_size={KernelSize}, stride={Stride}, padding={Padding})";
}

/// <summary>torch.nn.AdaptiveAvgPool2d to a fixed (H, W) output.</summary>
public sealed class AdaptiveAvgPool2d(Size2 outputSize) : Module<Tensor, Tensor>
{
    public Size2 OutputSize { get; } = outputSize;
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, OutputSize.ToArray());
    public override string ToString() => $"AdaptiveAvgPool2d(output_size={OutputSize})";
}

/// <summary>torch.nn.AdaptiveMaxPool2d to a fixed (H, W) output (values only).</summary>
public sealed class AdaptiveMaxPool2d(Size2 outputSize) : Module<Tensor, Tensor>
{
    public Size2 OutputSize { get; } = outputSize;
    public override Tensor Forward(Tensor input) => Functional.AdaptiveMaxPool2d(input, OutputSize.ToArray());
    public override string ToString() => $"AdaptiveMaxPool2d(output_size={OutputSize})";
}
