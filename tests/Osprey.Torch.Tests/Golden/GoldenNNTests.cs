using F = Osprey.Torch.NN.Functional;

namespace Osprey.Torch.Tests.Golden;

/// <summary>torch.nn.functional: convolution, normalization, pooling, resizing, padding, dropout, activations, attention.</summary>
public class GoldenNNTests
{
    internal static readonly GoldenCases Cases = new()
    {
        ["conv2d"] = c => F.Conv2d(c["x"], c["w"], c["b"]),
        ["conv2d_stride_padding"] = c => F.Conv2d(c["x"], c["w"], c["b"], stride: 2, padding: 1),
        ["conv2d_per_axis"] = c => F.Conv2d(c["x"], c["w"], c["b"], stride: [2, 1], padding: [0, 2]),
        ["conv2d_dilation"] = c => F.Conv2d(c["x"], c["w"], c["b"], stride: 1, padding: 2, dilation: 2),
        ["conv2d_groups"] = c => F.Conv2d(c["x"], c["w"], c["b"], stride: 1, padding: 1, groups: 2),
        ["conv2d_depthwise"] = c => F.Conv2d(c["x"], c["w"], c["b"], stride: 2, padding: 1, groups: 4),
        ["conv2d_no_bias_1x1"] = c => F.Conv2d(c["x"], c["w"]),
        ["conv2d_same"] = c => F.Conv2d(c["x"], c["w"], c["b"], "same", dilation: 2),
        ["conv_transpose2d_stride2"] = c => F.ConvTranspose2d(c["x"], c["w"], c["b"], stride: 2, padding: 1, outputPadding: 1),
        ["conv_transpose2d_k2"] = c => F.ConvTranspose2d(c["x"], c["w"], stride: 2),
        ["conv_transpose2d_groups_dilation"] = c =>
            F.ConvTranspose2d(c["x"], c["w"], c["b"], stride: 2, padding: 1, groups: 2, dilation: 2),
        ["conv_transpose2d_per_axis"] = c =>
            F.ConvTranspose2d(c["x"], c["w"], c["b"], stride: [2, 1], padding: [1, 0], outputPadding: [1, 0]),
        ["linear"] = c => F.Linear(c["x"], c["w"], c["b"]),
        ["linear_no_bias"] = c => F.Linear(c["x"], c["w"]),

        // Train mode also updates the running statistics in place: PyTorch's updated values are out1, out2.
        ["batch_norm_train"] = c =>
            new[] { F.BatchNorm(c["x"], c["rm"], c["rv"], c["w"], c["b"], training: true, momentum: 0.3), c["rm"], c["rv"] },
        ["batch_norm_eval"] = c => F.BatchNorm(c["x"], c["rm"], c["rv"], c["w"], c["b"], training: false),
        ["batch_norm_2d_input_no_affine"] = c => F.BatchNorm(c["x"], c["rm"], c["rv"], training: true),
        ["group_norm"] = c => F.GroupNorm(c["x"], 3, c["w"], c["b"]),
        ["layer_norm"] = c => F.LayerNorm(c["x"], [4, 5], c["w"], c["b"]),
        ["layer_norm_no_affine"] = c => F.LayerNorm(c["x"], [7], eps: 1e-3),

        ["max_pool2d"] = c => F.MaxPool2d(c["x"], 3, stride: 2, padding: 1),
        ["max_pool2d_ceil"] = c => F.MaxPool2d(c["x"], 3, stride: 2, ceilMode: true),
        ["max_pool2d_dilation"] = c => F.MaxPool2d(c["x"], 2, stride: 1, dilation: 2),
        ["max_pool2d_per_axis"] = c => F.MaxPool2d(c["x"], [3, 2], stride: [2, 1], padding: [1, 0]),
        ["avg_pool2d"] = c => F.AvgPool2d(c["x"], 2),
        ["avg_pool2d_pad_exclude"] = c => F.AvgPool2d(c["x"], 3, stride: 2, padding: 1, countIncludePad: false),
        ["avg_pool2d_ceil"] = c => F.AvgPool2d(c["x"], 3, stride: 2, ceilMode: true),
        ["avg_pool2d_divisor_override"] = c => F.AvgPool2d(c["x"], 3, stride: 2, padding: 1, divisorOverride: 5),
        ["avg_pool2d_per_axis"] = c => F.AvgPool2d(c["x"], [2, 3], stride: [2, 2], padding: [1, 1], countIncludePad: false),
        ["adaptive_avg_pool2d_7to3"] = c => F.AdaptiveAvgPool2d(c["x"], 3),
        ["adaptive_avg_pool2d_bins6"] = c => F.AdaptiveAvgPool2d(c["x"], 6),
        ["adaptive_avg_pool2d_global"] = c => F.AdaptiveAvgPool2d(c["x"], 1),
        ["adaptive_avg_pool2d_rect"] = c => F.AdaptiveAvgPool2d(c["x"], [4, 2]),
        ["adaptive_max_pool2d_7to3"] = c => F.AdaptiveMaxPool2d(c["x"], 3),

        ["interp_nearest_size"] = c => F.Interpolate(c["x"], size: [8, 11]),
        ["interp_nearest_scale2"] = c => F.Interpolate(c["x"], scaleFactor: 2),
        ["interp_nearest_scale_1_7"] = c => F.Interpolate(c["x"], scaleFactor: 1.7),
        ["interp_nearest_scale_half"] = c => F.Interpolate(c["x"], scaleFactor: 0.5),
        ["interp_bilinear_size_noalign"] = c => F.Interpolate(c["x"], size: [9, 4], mode: "bilinear", alignCorners: false),
        ["interp_bilinear_size_align"] = c => F.Interpolate(c["x"], size: [9, 4], mode: "bilinear", alignCorners: true),
        ["interp_bilinear_scale_noalign"] = c => F.Interpolate(c["x"], scaleFactor: 1.5, mode: "bilinear", alignCorners: false),
        ["interp_bilinear_scale_align"] = c => F.Interpolate(c["x"], scaleFactor: 1.5, mode: "bilinear", alignCorners: true),
        ["interp_bilinear_scale4_default"] = c => F.Interpolate(c["x"], scaleFactor: 4, mode: "bilinear"),

        ["pad_constant"] = c => F.Pad(c["x"], [1, 2, 0, 3], value: -1.5),
        ["pad_reflect"] = c => F.Pad(c["x"], [2, 1, 3, 0], "reflect"),
        ["pad_replicate"] = c => F.Pad(c["x"], [0, 3, 2, 2], "replicate"),
        ["pad_circular"] = c => F.Pad(c["x"], [1, 1, 2, 0], "circular"),
        ["pad_constant_negative"] = c => F.Pad(c["x"], [-1, 2, -2, 0]),

        ["dropout_p0_train"] = c => F.Dropout(c["x"], 0, training: true),
        ["dropout_p1_train"] = c => F.Dropout(c["x"], 1, training: true),
        ["dropout_eval"] = c => F.Dropout(c["x"], 0.5, training: false),

        ["relu"] = c => F.Relu(c["x"]),
        ["relu6"] = c => F.Relu6(c["x"]),
        ["leaky_relu"] = c => F.LeakyRelu(c["x"], 0.2),
        ["gelu_exact"] = c => F.Gelu(c["x"]),
        ["gelu_tanh"] = c => F.Gelu(c["x"], "tanh"),
        ["silu"] = c => F.Silu(c["x"]),
        ["hardswish"] = c => F.Hardswish(c["x"]),
        ["hardsigmoid"] = c => F.Hardsigmoid(c["x"]),
        ["mish"] = c => F.Mish(c["x"]),
        ["softplus"] = c => F.Softplus(c["x"], beta: 2, threshold: 5),

        // PyTorch side: softmax(q k^T / sqrt(d) + mask) v composed from primitive ops (bool mask: true = excluded).
        ["attention_no_mask"] = c => F.ScaledDotProductAttention(c["q"], c["k"], c["v"]),
        ["attention_key_padding_mask"] = c => F.ScaledDotProductAttention(c["q"], c["k"], c["v"], c["mask"]),
        ["attention_bool_mask_per_query"] = c => F.ScaledDotProductAttention(c["q"], c["k"], c["v"], c["mask"]),
        ["attention_float_mask"] = c => F.ScaledDotProductAttention(c["q"], c["k"], c["v"], c["mask"]),
    };

    public static TheoryData<string> Names => Cases.Names();

    [Theory, MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Cases.Check(name);
}
