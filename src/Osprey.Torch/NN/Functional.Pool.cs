namespace Osprey.Torch.NN;

public static partial class Functional
{
    static readonly Op maxPool2d = new("aten::max_pool2d"), avgPool2d = new("aten::avg_pool2d");
    static readonly Op adaptiveAvgPool2d = new("aten::adaptive_avg_pool2d"), adaptiveMaxPool2d = new("aten::adaptive_max_pool2d");
    static readonly Op upsampleNearest = new("aten::upsample_nearest2d", "vec"), upsampleBilinear = new("aten::upsample_bilinear2d", "vec");
    static readonly Op pad = new("aten::pad");

    /// <summary>Max pooling; stride defaults to the kernel size, as in PyTorch.</summary>
    public static Tensor MaxPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false) =>
        maxPool2d.Tensor(input, kernelSize, stride ?? kernelSize, padding, dilation, ceilMode);

    /// <summary>Max pooling with per-axis (H, W) kernel, stride (default: the kernel), padding and dilation.</summary>
    public static Tensor MaxPool2d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null,
                                   long[]? dilation = null, bool ceilMode = false) =>
        maxPool2d.Tensor(input, kernelSize, stride ?? kernelSize, padding ?? [0, 0], dilation ?? [1, 1], ceilMode);

    public static Tensor AvgPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false,
                                   bool countIncludePad = true, long? divisorOverride = null) =>
        avgPool2d.Tensor(input, kernelSize, stride ?? kernelSize, padding, ceilMode, countIncludePad, divisorOverride);

    /// <summary>Average pooling with per-axis (H, W) kernel, stride (default: the kernel) and padding.</summary>
    public static Tensor AvgPool2d(Tensor input, long[] kernelSize, long[]? stride = null, long[]? padding = null, bool ceilMode = false,
                                   bool countIncludePad = true, long? divisorOverride = null) =>
        avgPool2d.Tensor(input, kernelSize, stride ?? kernelSize, padding ?? [0, 0], ceilMode, countIncludePad, divisorOverride);

    public static Tensor AdaptiveAvgPool2d(Tensor input, long outputSize) => adaptiveAvgPool2d.Tensor(input, outputSize);
    public static Tensor AdaptiveAvgPool2d(Tensor input, long[] outputSize) => adaptiveAvgPool2d.Tensor(input, outputSize);
    public static Tensor AdaptiveMaxPool2d(Tensor input, long outputSize) => Values(adaptiveMaxPool2d.Tensors(input, outputSize));
    public static Tensor AdaptiveMaxPool2d(Tensor input, long[] outputSize) => Values(adaptiveMaxPool2d.Tensors(input, outputSize));

    /// <summary>
    /// F.interpolate for 4-D input, mode "nearest" or "bilinear": give <paramref name="size"/> (H, W) or
    /// <paramref name="scaleFactor"/> (output = floor(input * scale), with the scale passed on as PyTorch does).
    /// </summary>
    public static Tensor Interpolate(Tensor input, long[]? size = null, double? scaleFactor = null, string mode = "nearest",
                                     bool? alignCorners = null)
    {
        if ((size == null) == (scaleFactor == null))
            throw new TorchException("interpolate: give exactly one of size and scaleFactor");
        Arg scales = scaleFactor is { } s ? new[] { s, s } : Arg.None;
        switch (mode)
        {
            case "nearest":
                if (alignCorners != null)
                    throw new TorchException("interpolate: alignCorners only applies to linear modes, not nearest");
                return upsampleNearest.Tensor(input, size, scales);
            case "bilinear":
                return upsampleBilinear.Tensor(input, size, alignCorners ?? false, scales);
            default:
                throw new TorchException($"interpolate: mode '{mode}' not supported (nearest, bilinear)");
        }
    }

    /// <summary>F.pad: pad widths from the last dimension backwards (left, right, top, bottom, ...);
    /// mode "constant", "reflect", "replicate" or "circular".</summary>
    public static Tensor Pad(Tensor input, long[] padding, string mode = "constant", double value = 0) =>
        pad.Tensor(input, padding, mode, mode == "constant" ? value : Arg.None);

    static Tensor Values(Tensor[] valuesAndIndices)
    {
        valuesAndIndices[1].Dispose();
        return valuesAndIndices[0];
    }
}
