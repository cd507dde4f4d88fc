"""torch.nn.functional layers: convolution, normalization, pooling, resizing, padding, dropout, activations, attention."""
import math

import torch
import torch.nn.functional as F

from .core import forward, randn, uniform


def attention_reference(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d) + mask) v, a bool mask marking excluded keys (True = masked)."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        additive = mask if mask.is_floating_point() else torch.zeros(mask.shape).masked_fill(mask, float("-inf"))
        scores = scores + additive
    return torch.softmax(scores, dim=-1) @ v


def _batch_norm_train(x, rm, rv, w, b):
    y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3, eps=1e-5)
    return y, rm, rv


def define():
    img = lambda c=3, h=9, w=9: randn(2, c, h, w)
    conv = lambda cin, cout, k, groups=1: dict(x=img(cin), w=randn(cout, cin // groups, k, k, scale=0.3), b=randn(cout))
    forward("conv2d", "conv2d", lambda: conv(3, 4, 3), lambda x, w, b: F.conv2d(x, w, b))
    forward("conv2d_stride_padding", "conv2d", lambda: conv(3, 4, 3), lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1))
    forward("conv2d_per_axis", "conv2d", lambda: conv(3, 4, 3), lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(0, 2)))
    forward("conv2d_dilation", "conv2d", lambda: conv(3, 4, 3), lambda x, w, b: F.conv2d(x, w, b, padding=2, dilation=2))
    forward("conv2d_groups", "conv2d", lambda: conv(4, 6, 3, groups=2), lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2))
    forward("conv2d_depthwise", "conv2d", lambda: conv(4, 4, 3, groups=4), lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=4))
    forward("conv2d_no_bias_1x1", "conv2d", lambda: dict(x=img(3), w=randn(5, 3, 1, 1)), lambda x, w: F.conv2d(x, w))
    forward("conv2d_same", "conv2d", lambda: conv(3, 2, 3), lambda x, w, b: F.conv2d(x, w, b, padding="same", dilation=2))
    forward("conv_transpose2d_stride2", "conv_transpose2d",
            lambda: dict(x=img(4, 5, 5), w=randn(4, 3, 3, 3, scale=0.3), b=randn(3)),
            lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1))
    forward("conv_transpose2d_k2", "conv_transpose2d", lambda: dict(x=img(4, 4, 4), w=randn(4, 2, 2, 2, scale=0.3)),
            lambda x, w: F.conv_transpose2d(x, w, stride=2))
    forward("conv_transpose2d_groups_dilation", "conv_transpose2d",
            lambda: dict(x=img(4, 5, 5), w=randn(4, 3, 3, 3, scale=0.3), b=randn(6)),
            lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, groups=2, dilation=2))
    forward("conv_transpose2d_per_axis", "conv_transpose2d",
            lambda: dict(x=img(3, 4, 5), w=randn(3, 2, 3, 2, scale=0.3), b=randn(2)),
            lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 1), padding=(1, 0), output_padding=(1, 0)))
    forward("linear", "linear", lambda: dict(x=randn(2, 3, 5), w=randn(4, 5), b=randn(4)), F.linear)
    forward("linear_no_bias", "linear", lambda: dict(x=randn(3, 5), w=randn(2, 5)), F.linear)

    bn = lambda: dict(x=randn(4, 3, 5, 5, scale=2) + 1, rm=randn(3), rv=uniform(3, lo=0.5, hi=2), w=randn(3), b=randn(3))
    forward("batch_norm_train", "batch_norm", bn, _batch_norm_train)
    forward("batch_norm_eval", "batch_norm", bn, lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, training=False))
    forward("batch_norm_2d_input_no_affine", "batch_norm", lambda: dict(x=randn(6, 4), rm=randn(4), rv=uniform(4, lo=0.5, hi=2)),
            lambda x, rm, rv: F.batch_norm(x, rm, rv, training=True))
    forward("group_norm", "group_norm", lambda: dict(x=randn(2, 6, 4, 4), w=randn(6), b=randn(6)),
            lambda x, w, b: F.group_norm(x, 3, w, b))
    forward("layer_norm", "layer_norm", lambda: dict(x=randn(2, 3, 4, 5), w=randn(4, 5), b=randn(4, 5)),
            lambda x, w, b: F.layer_norm(x, [4, 5], w, b))
    forward("layer_norm_no_affine", "layer_norm", lambda: dict(x=randn(3, 7)), lambda x: F.layer_norm(x, [7], eps=1e-3))

    forward("max_pool2d", "max_pool2d", lambda: dict(x=img()), lambda x: F.max_pool2d(x, 3, 2, 1))
    forward("max_pool2d_ceil", "max_pool2d", lambda: dict(x=img(3, 8, 8)), lambda x: F.max_pool2d(x, 3, 2, ceil_mode=True))
    forward("max_pool2d_dilation", "max_pool2d", lambda: dict(x=img()), lambda x: F.max_pool2d(x, 2, 1, dilation=2))
    forward("max_pool2d_per_axis", "max_pool2d", lambda: dict(x=img()), lambda x: F.max_pool2d(x, (3, 2), (2, 1), (1, 0)))
    forward("avg_pool2d", "avg_pool2d", lambda: dict(x=img(3, 8, 8)), lambda x: F.avg_pool2d(x, 2))
    forward("avg_pool2d_pad_exclude", "avg_pool2d", lambda: dict(x=img()),
            lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False))
    forward("avg_pool2d_ceil", "avg_pool2d", lambda: dict(x=img(3, 8, 8)), lambda x: F.avg_pool2d(x, 3, 2, ceil_mode=True))
    forward("avg_pool2d_divisor_override", "avg_pool2d", lambda: dict(x=img()), lambda x: F.avg_pool2d(x, 3, 2, 1, divisor_override=5))
    forward("avg_pool2d_per_axis", "avg_pool2d", lambda: dict(x=img()),
            lambda x: F.avg_pool2d(x, (2, 3), (2, 2), (1, 1), count_include_pad=False))
    forward("adaptive_avg_pool2d_7to3", "adaptive_avg_pool2d", lambda: dict(x=img(3, 7, 7)), lambda x: F.adaptive_avg_pool2d(x, 3))
    forward("adaptive_avg_pool2d_bins6", "adaptive_avg_pool2d", lambda: dict(x=img(2, 13, 17)), lambda x: F.adaptive_avg_pool2d(x, 6))
    forward("adaptive_avg_pool2d_global", "adaptive_avg_pool2d", lambda: dict(x=img(2, 13, 17)), lambda x: F.adaptive_avg_pool2d(x, 1))
    forward("adaptive_avg_pool2d_rect", "adaptive_avg_pool2d", lambda: dict(x=img(2, 10, 9)), lambda x: F.adaptive_avg_pool2d(x, (4, 2)))
    forward("adaptive_max_pool2d_7to3", "adaptive_max_pool2d", lambda: dict(x=img(3, 7, 7)), lambda x: F.adaptive_max_pool2d(x, 3))

    small = lambda: dict(x=randn(2, 3, 5, 7))
    forward("interp_nearest_size", "upsample_nearest2d", small, lambda x: F.interpolate(x, size=(8, 11), mode="nearest"))
    forward("interp_nearest_scale2", "upsample_nearest2d", small, lambda x: F.interpolate(x, scale_factor=2, mode="nearest"))
    # a non-integer scale is passed on to the kernel, which maps indices by 1/scale rather than in/out size
    forward("interp_nearest_scale_1_7", "upsample_nearest2d", small, lambda x: F.interpolate(x, scale_factor=1.7, mode="nearest"))
    forward("interp_nearest_scale_half", "upsample_nearest2d", small, lambda x: F.interpolate(x, scale_factor=0.5, mode="nearest"))
    for align in (False, True):
        tag = "align" if align else "noalign"
        forward(f"interp_bilinear_size_{tag}", "upsample_bilinear2d", small,
                lambda x, a=align: F.interpolate(x, size=(9, 4), mode="bilinear", align_corners=a))
        forward(f"interp_bilinear_scale_{tag}", "upsample_bilinear2d", small,
                lambda x, a=align: F.interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=a))
    forward("interp_bilinear_scale4_default", "upsample_bilinear2d", small,
            lambda x: F.interpolate(x, scale_factor=4, mode="bilinear"))

    forward("pad_constant", "pad", small, lambda x: F.pad(x, (1, 2, 0, 3), value=-1.5))
    forward("pad_reflect", "pad", small, lambda x: F.pad(x, (2, 1, 3, 0), mode="reflect"))
    forward("pad_replicate", "pad", small, lambda x: F.pad(x, (0, 3, 2, 2), mode="replicate"))
    forward("pad_circular", "pad", small, lambda x: F.pad(x, (1, 1, 2, 0), mode="circular"))
    forward("pad_constant_negative", "pad", small, lambda x: F.pad(x, (-1, 2, -2, 0)))

    forward("dropout_p0_train", "dropout", lambda: dict(x=randn(4, 5)), lambda x: F.dropout(x, 0.0, True))
    forward("dropout_p1_train", "dropout", lambda: dict(x=randn(4, 5)), lambda x: F.dropout(x, 1.0, True))
    forward("dropout_eval", "dropout", lambda: dict(x=randn(4, 5)), lambda x: F.dropout(x, 0.5, False))

    act = lambda: dict(x=uniform(4, 6, lo=-5, hi=5))
    forward("relu", "relu", act, F.relu)
    forward("relu6", "hardtanh", lambda: dict(x=uniform(4, 6, lo=-3, hi=9)), F.relu6)
    forward("leaky_relu", "leaky_relu", act, lambda x: F.leaky_relu(x, 0.2))
    forward("gelu_exact", "gelu", act, F.gelu)
    forward("gelu_tanh", "gelu", act, lambda x: F.gelu(x, approximate="tanh"))
    forward("silu", "silu", act, F.silu)
    forward("hardswish", "hardswish", act, F.hardswish)
    forward("hardsigmoid", "hardsigmoid", act, F.hardsigmoid)
    forward("mish", "mish", act, F.mish)
    forward("softplus", "softplus", act, lambda x: F.softplus(x, beta=2, threshold=5))

    qkv = lambda: dict(q=randn(2, 3, 5, 8), k=randn(2, 3, 6, 8), v=randn(2, 3, 6, 4))
    forward("attention_no_mask", "scaled_dot_product_attention", qkv, attention_reference)
    forward("attention_key_padding_mask", "scaled_dot_product_attention",
            lambda: {**qkv(), "mask": torch.tensor([[False] * 4 + [True] * 2, [False] * 6]).view(2, 1, 1, 6)},
            attention_reference)
    forward("attention_bool_mask_per_query", "scaled_dot_product_attention",
            lambda: {**qkv(), "mask": torch.ones(5, 6).triu(2).bool()}, attention_reference)
    forward("attention_float_mask", "scaled_dot_product_attention",
            lambda: {**qkv(), "mask": randn(5, 6)}, attention_reference)
