"""In-place ops (the optimizers' and modules' building blocks): the input itself must hold the result."""
import torch
import torch.nn.functional as F

from .core import forward, randn, uniform


def define():
    xab = lambda: dict(x=randn(3, 4), a=randn(3, 4), b=uniform(4, lo=0.5, hi=2))
    forward("add_inplace_alpha", "add_", xab, lambda x, a, b: x.add_(a, alpha=-0.5))
    forward("add_inplace_scalar", "add_", xab, lambda x, a, b: x.add_(0.25))
    forward("sub_inplace_alpha", "sub_", xab, lambda x, a, b: x.sub_(b, alpha=2))
    forward("mul_inplace_broadcast", "mul_", xab, lambda x, a, b: x.mul_(b))
    forward("mul_inplace_scalar", "mul_", xab, lambda x, a, b: x.mul_(0.9))
    forward("div_inplace", "div_", xab, lambda x, a, b: x.div_(b))
    forward("div_inplace_scalar", "div_", xab, lambda x, a, b: x.div_(4.0))
    forward("addcmul_inplace", "addcmul_", xab, lambda x, a, b: x.addcmul_(a, b, value=0.3))
    forward("addcdiv_inplace", "addcdiv_", xab, lambda x, a, b: x.addcdiv_(a, b, value=-0.01))
    forward("lerp_inplace", "lerp_", xab, lambda x, a, b: x.lerp_(a, 0.1))
    forward("clamp_inplace", "clamp_", xab, lambda x, a, b: x.clamp_(-0.2, 0.4))
    forward("masked_fill_inplace", "masked_fill_", lambda: dict(x=randn(3, 4), m=torch.rand(3, 4) < 0.5),
            lambda x, m: x.masked_fill_(m, 3.0))
    forward("relu_inplace", "relu_", lambda: dict(x=randn(3, 4)), lambda x: F.relu(x, inplace=True))
    forward("silu_inplace", "silu_", lambda: dict(x=randn(3, 4)), lambda x: F.silu(x, inplace=True))
    forward("copy_inplace_broadcast", "copy_", lambda: dict(x=randn(3, 4), src=randn(4)), lambda x, src: x.copy_(src))
    forward("copy_inplace_converts", "copy_", lambda: dict(x=randn(2, 3), src=torch.randint(-9, 9, (2, 3))),
            lambda x, src: x.copy_(src))
    forward("fill_inplace", "fill_", lambda: dict(x=randn(3, 4)), lambda x: x.fill_(-1.25))
    forward("zero_inplace", "zero_", lambda: dict(x=randn(3, 4)), lambda x: x.zero_())
