namespace Osprey.Torch.NN;

/// <summary>torch.nn.functional: stateless layers over tensors. Argument names and defaults follow PyTorch.</summary>
public static partial class Functional
{
    static readonly Op conv2d = new("aten::conv2d"), conv2dPadding = new("aten::conv2d", "padding");
    static readonly Op convTranspose2d = new("aten::conv_transpose2d", "input"), linear = new("aten::linear");

    /// <summary>2-D convolution; stride, padding and dilation apply to both axes unless given per axis.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null,
                                long[]? padding = null, long[]? dilation = null, long groups = 1) =>
        conv2d.Tensor(input, weight, bias, stride ?? [1, 1], padding ?? [0, 0], dilation ?? [1, 1], groups);

    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding = 0,
                                long dilation = 1, long groups = 1) =>
        conv2d.Tensor(input, weight, bias, stride, padding, dilation, groups);

    /// <summary>Convolution with padding "same" or "valid".</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, string padding, long stride = 1,
                                long dilation = 1, long groups = 1) =>
        conv2dPadding.Tensor(input, weight, bias, stride, padding, dilation, groups);

    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1,
                                         long padding = 0, long outputPadding = 0, long groups = 1, long dilation = 1) =>
        convTranspose2d.Tensor(input, weight, bias, stride, padding, outputPadding, groups, dilation);

    /// <summary>Transposed convolution with per-axis (H, W) stride, padding, output padding and dilation.</summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[]? padding = null,
                                         long[]? outputPadding = null, long groups = 1, long[]? dilation = null) =>
        convTranspose2d.Tensor(input, weight, bias, stride, padding ?? [0, 0], outputPadding ?? [0, 0], groups, dilation ?? [1, 1]);

    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => linear.Tensor(input, weight, bias);
}
