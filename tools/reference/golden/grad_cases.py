"""Gradients: each case back-propagates a fixed random upstream gradient gy through one op.

`wrt` defaults to every floating input; it is narrowed only where PyTorch itself refuses a gradient
(class weights of cross entropy, pos_weight of BCE, batch norm's running statistics).
"""
import torch
import torch.nn.functional as F

from .core import grad, randint, randn, uniform
from .nn_cases import attention_reference


def define():
    grad("grad_conv2d", "conv2d", lambda: dict(x=randn(2, 3, 7, 7), w=randn(4, 3, 3, 3, scale=0.3), b=randn(4)),
         lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1))
    grad("grad_conv2d_depthwise_dilated", "conv2d", lambda: dict(x=randn(2, 4, 8, 8), w=randn(4, 1, 3, 3), b=randn(4)),
         lambda x, w, b: F.conv2d(x, w, b, padding=2, dilation=2, groups=4))
    grad("grad_conv_transpose2d", "conv_transpose2d", lambda: dict(x=randn(2, 4, 4, 4), w=randn(4, 3, 3, 3, scale=0.3), b=randn(3)),
         lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1))
    grad("grad_batch_norm_train", "batch_norm",
         lambda: dict(x=randn(4, 3, 3, 3, scale=2), rm=torch.zeros(3), rv=torch.ones(3), w=randn(3), b=randn(3)),
         lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, training=True), wrt="x w b")
    grad("grad_layer_norm", "layer_norm", lambda: dict(x=randn(3, 4, 6), w=randn(6), b=randn(6)),
         lambda x, w, b: F.layer_norm(x, [6], w, b))
    grad("grad_group_norm", "group_norm", lambda: dict(x=randn(2, 6, 3, 3), w=randn(6), b=randn(6)),
         lambda x, w, b: F.group_norm(x, 2, w, b))
    grad("grad_linear", "linear", lambda: dict(x=randn(2, 3, 5), w=randn(4, 5), b=randn(4)), F.linear)
    grad("grad_interp_bilinear_noalign", "upsample_bilinear2d", lambda: dict(x=randn(1, 2, 4, 5)),
         lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False))
    grad("grad_interp_bilinear_align", "upsample_bilinear2d", lambda: dict(x=randn(1, 2, 4, 5)),
         lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True))
    grad("grad_interp_nearest", "upsample_nearest2d", lambda: dict(x=randn(1, 2, 4, 5)),
         lambda x: F.interpolate(x, size=(6, 7), mode="nearest"))
    grad("grad_softmax", "softmax", lambda: dict(x=randn(3, 6, scale=2)), lambda x: torch.softmax(x, 1))
    grad("grad_log_softmax", "log_softmax", lambda: dict(x=randn(2, 5, 3, scale=2)), lambda x: torch.log_softmax(x, 1))
    grad("grad_cross_entropy", "cross_entropy",
         lambda: dict(x=randn(2, 4, 3, 3, scale=2), t=randint(0, 4, 2, 3, 3).masked_fill(torch.rand(2, 3, 3) < 0.2, 255),
                      w=uniform(4, lo=0.2, hi=2)),
         lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=255, label_smoothing=0.1), wrt="x")
    grad("grad_cross_entropy_probabilities", "cross_entropy",
         lambda: dict(x=randn(4, 5, scale=2), p=torch.softmax(randn(4, 5), 1)),
         lambda x, p: F.cross_entropy(x, p, label_smoothing=0.1))
    grad("grad_bce_with_logits", "binary_cross_entropy_with_logits",
         lambda: dict(x=randn(4, 3, scale=2), y=(torch.rand(4, 3) < 0.4).float(), pw=uniform(3, lo=0.5, hi=3)),
         lambda x, y, pw: F.binary_cross_entropy_with_logits(x, y, pos_weight=pw), wrt="x y")
    grad("grad_smooth_l1", "smooth_l1_loss", lambda: dict(x=randn(4, 5, scale=2), y=randn(4, 5)),
         lambda x, y: F.smooth_l1_loss(x, y, beta=0.5))
    grad("grad_mse", "mse_loss", lambda: dict(x=randn(4, 5), y=randn(4, 5)), lambda x, y: F.mse_loss(x, y, reduction="sum"))
    grad("grad_l1", "l1_loss", lambda: dict(x=randn(4, 5), y=randn(4, 5)), F.l1_loss)
    grad("grad_matmul", "matmul", lambda: dict(a=randn(2, 1, 3, 4), b=randn(5, 4, 2)), torch.matmul)
    grad("grad_bmm", "bmm", lambda: dict(a=randn(3, 2, 4), b=randn(3, 4, 5)), torch.bmm)
    grad("grad_max_pool2d", "max_pool2d", lambda: dict(x=randn(2, 2, 7, 7)), lambda x: F.max_pool2d(x, 3, 2, 1))
    grad("grad_avg_pool2d", "avg_pool2d", lambda: dict(x=randn(2, 2, 7, 7)),
         lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False))
    grad("grad_adaptive_avg_pool2d", "adaptive_avg_pool2d", lambda: dict(x=randn(2, 2, 7, 7)), lambda x: F.adaptive_avg_pool2d(x, 3))
    grad("grad_adaptive_max_pool2d", "adaptive_max_pool2d", lambda: dict(x=randn(2, 2, 7, 7)), lambda x: F.adaptive_max_pool2d(x, 3))
    act = lambda: dict(x=uniform(4, 6, lo=-4, hi=4))
    grad("grad_gelu", "gelu", act, F.gelu)
    grad("grad_gelu_tanh", "gelu", act, lambda x: F.gelu(x, approximate="tanh"))
    grad("grad_silu", "silu", act, F.silu)
    grad("grad_hardswish", "hardswish", act, F.hardswish)
    grad("grad_sigmoid", "sigmoid", act, torch.sigmoid)
    grad("grad_tanh", "tanh", act, torch.tanh)
    grad("grad_leaky_relu", "leaky_relu", act, lambda x: F.leaky_relu(x, 0.1))
    grad("grad_gather", "gather", lambda: dict(x=randn(3, 5), i=randint(0, 5, 3, 6)), lambda x, i: x.gather(1, i))
    grad("grad_index_select", "index_select", lambda: dict(x=randn(4, 3), i=torch.tensor([3, 0, 3, 1])),
         lambda x, i: x.index_select(0, i))
    grad("grad_index_tensor", "index", lambda: dict(x=randn(4, 3), i=torch.tensor([2, 2, 0])), lambda x, i: x[i, 1:])
    grad("grad_scatter_add", "scatter_add", lambda: dict(x=randn(3, 4), i=randint(0, 4, 3, 5), s=randn(3, 5)),
         lambda x, i, s: x.scatter_add(1, i, s))
    grad("grad_masked_fill", "masked_fill", lambda: dict(x=randn(3, 4), m=torch.rand(3, 4) < 0.5),
         lambda x, m: x.masked_fill(m, 0.0))
    grad("grad_where", "where", lambda: dict(c=torch.rand(3, 4) < 0.5, a=randn(3, 4), b=randn(4)),
         lambda c, a, b: torch.where(c, a, b))
    grad("grad_div_broadcast", "div", lambda: dict(a=randn(3, 4), b=uniform(4, lo=0.5, hi=2)), lambda a, b: a / b)
    grad("grad_cat", "cat", lambda: dict(a=randn(2, 3), b=randn(2, 2)), lambda a, b: torch.cat([a, b], 1))
    grad("grad_stack", "stack", lambda: dict(a=randn(2, 3), b=randn(2, 3)), lambda a, b: torch.stack([a, b], 0))
    grad("grad_pad_reflect", "pad", lambda: dict(x=randn(1, 2, 4, 5)), lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"))
    grad("grad_dropout_p0", "dropout", lambda: dict(x=randn(3, 4)), lambda x: F.dropout(x, 0.0, True))
    grad("grad_norm", "norm", lambda: dict(x=randn(3, 4)), lambda x: x.norm(dim=1))
    grad("grad_std", "std", lambda: dict(x=randn(3, 4)), lambda x: x.std(dim=0))
    grad("grad_attention", "scaled_dot_product_attention",
         lambda: dict(q=randn(2, 2, 4, 8), k=randn(2, 2, 5, 8), v=randn(2, 2, 5, 3),
                      mask=torch.tensor([[False] * 5, [False] * 3 + [True] * 2]).view(2, 1, 1, 5)),
         attention_reference)
