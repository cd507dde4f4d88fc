"""Element-wise math with broadcasting, comparisons and logic, matrix products, dtype conversions."""
import torch

from .core import coarse, forward, randint, randn, uniform


def _unary(name, fn, make=lambda: randn(3, 5)):
    forward(name, name, lambda: dict(x=make()), fn)


def define():
    positive = lambda: uniform(3, 5, lo=0.1, hi=3.0)
    away_from_zero = lambda *s: uniform(*s, lo=0.5, hi=2.0) * ((torch.rand(*s) < 0.5).float() * 2 - 1)

    forward("add_broadcast", "add", lambda: dict(a=randn(2, 3, 1), b=randn(4)), lambda a, b: a + b)
    forward("add_alpha", "add", lambda: dict(a=randn(3, 4), b=randn(3, 4)), lambda a, b: torch.add(a, b, alpha=2.5))
    forward("add_scalar", "add", lambda: dict(a=randn(3, 4)), lambda a: a + 1.5)
    forward("sub_broadcast", "sub", lambda: dict(a=randn(3, 1, 4), b=randn(2, 1)), lambda a, b: a - b)
    forward("rsub_scalar", "rsub", lambda: dict(a=randn(3, 4)), lambda a: 2.0 - a)
    forward("mul_broadcast", "mul", lambda: dict(a=randn(2, 1, 4), b=randn(3, 1)), lambda a, b: a * b)
    forward("mul_scalar", "mul", lambda: dict(a=randn(3, 4)), lambda a: a * -0.75)
    forward("div_broadcast", "div", lambda: dict(a=randn(2, 3, 4), b=away_from_zero(3, 1)), lambda a, b: a / b)
    forward("div_scalar_by_tensor", "div", lambda: dict(a=away_from_zero(3, 4)), lambda a: 3.0 / a)
    forward("div_floor", "div", lambda: dict(a=randn(4, 5, scale=4), b=away_from_zero(5)),
            lambda a, b: torch.div(a, b, rounding_mode="floor"))
    forward("div_trunc", "div", lambda: dict(a=randn(4, 5, scale=4), b=away_from_zero(5)),
            lambda a, b: torch.div(a, b, rounding_mode="trunc"))
    forward("remainder", "remainder", lambda: dict(a=randn(4, 5, scale=4), b=away_from_zero(5)), lambda a, b: a % b)
    forward("remainder_scalar", "remainder", lambda: dict(a=randn(4, 5, scale=4)), lambda a: a % 1.5)
    forward("pow_scalar", "pow", lambda: dict(x=randn(3, 5)), lambda x: x.pow(3))
    forward("pow_fractional", "pow", lambda: dict(x=positive()), lambda x: x.pow(0.5))
    forward("pow_tensor", "pow", lambda: dict(x=positive(), e=uniform(5, lo=-2, hi=2)), lambda x, e: x.pow(e))

    _unary("neg", torch.neg)
    _unary("abs", torch.abs)
    _unary("exp", torch.exp)
    _unary("log", torch.log, positive)
    _unary("log2", torch.log2, positive)
    _unary("log1p", torch.log1p, positive)
    _unary("sqrt", torch.sqrt, positive)
    _unary("rsqrt", torch.rsqrt, positive)
    _unary("sigmoid", torch.sigmoid, lambda: randn(3, 5, scale=3))
    _unary("tanh", torch.tanh, lambda: randn(3, 5, scale=2))
    _unary("sin", torch.sin, lambda: randn(3, 5, scale=3))
    _unary("cos", torch.cos, lambda: randn(3, 5, scale=3))
    _unary("erf", torch.erf)
    _unary("floor", torch.floor, lambda: randn(3, 5, scale=3))
    _unary("ceil", torch.ceil, lambda: randn(3, 5, scale=3))
    # round-half-to-even: the .5 values are in the input on purpose
    _unary("round", torch.round, lambda: torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51]))
    _unary("sign", torch.sign, lambda: coarse(3, 5))
    _unary("reciprocal", torch.reciprocal, lambda: away_from_zero(3, 5))
    _unary("square", torch.square)

    forward("clamp", "clamp", lambda: dict(x=randn(4, 5)), lambda x: x.clamp(-0.5, 0.3))
    forward("clamp_min", "clamp", lambda: dict(x=randn(4, 5)), lambda x: x.clamp(min=0.2))
    forward("clamp_max", "clamp", lambda: dict(x=randn(4, 5)), lambda x: x.clamp(max=-0.1))
    forward("clamp_tensor", "clamp", lambda: dict(x=randn(4, 5), lo=uniform(5, lo=-1, hi=0), hi=uniform(4, 1, lo=0, hi=1)),
            lambda x, lo, hi: x.clamp(lo, hi))
    forward("maximum", "maximum", lambda: dict(a=randn(3, 4), b=randn(4)), lambda a, b: torch.maximum(a, b))
    forward("minimum", "minimum", lambda: dict(a=randn(3, 1), b=randn(2, 1, 4)), lambda a, b: torch.minimum(a, b))
    forward("where", "where", lambda: dict(c=torch.rand(3, 4) < 0.5, a=randn(3, 4), b=randn(4)),
            lambda c, a, b: torch.where(c, a, b))
    forward("where_scalar", "where", lambda: dict(c=torch.rand(3, 4) < 0.5, a=randn(3, 4)),
            lambda c, a: torch.where(c, a, -1.0))
    forward("lerp", "lerp", lambda: dict(a=randn(3, 4), b=randn(3, 4)), lambda a, b: torch.lerp(a, b, 0.3))

    for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
        forward(f"{op}_tensor", op, lambda: dict(a=coarse(4, 5, levels=2), b=coarse(5, levels=2)),
                lambda a, b, op=op: getattr(torch, op)(a, b))
        forward(f"{op}_scalar", op, lambda: dict(a=coarse(4, 5, levels=2)), lambda a, op=op: getattr(torch, op)(a, 1.0))
    for op in ["logical_and", "logical_or", "logical_xor"]:
        forward(op, op, lambda: dict(a=torch.rand(3, 4) < 0.5, b=torch.rand(4) < 0.5),
                lambda a, b, op=op: getattr(torch, op)(a, b))
    forward("logical_not", "logical_not", lambda: dict(a=torch.rand(3, 4) < 0.5), torch.logical_not)
    special = lambda: dict(x=torch.tensor([0.0, -1.5, float("nan"), float("inf"), -float("inf"), 3.0]))
    forward("isnan", "isnan", special, torch.isnan)
    forward("isinf", "isinf", special, torch.isinf)
    forward("isfinite", "isfinite", special, torch.isfinite)

    forward("matmul_2d", "matmul", lambda: dict(a=randn(3, 4), b=randn(4, 5)), torch.matmul)
    forward("matmul_batched_broadcast", "matmul", lambda: dict(a=randn(2, 1, 3, 4), b=randn(5, 4, 2)), torch.matmul)
    forward("matmul_vector_matrix", "matmul", lambda: dict(a=randn(4), b=randn(2, 4, 3)), torch.matmul)
    forward("matmul_matrix_vector", "matmul", lambda: dict(a=randn(3, 4), b=randn(4)), torch.matmul)
    forward("mm", "mm", lambda: dict(a=randn(5, 3), b=randn(3, 6)), torch.mm)
    forward("bmm", "bmm", lambda: dict(a=randn(3, 2, 4), b=randn(3, 4, 5)), torch.bmm)
    forward("einsum_batched_matmul", "einsum", lambda: dict(a=randn(2, 3, 4), b=randn(2, 4, 5)),
            lambda a, b: torch.einsum("bij,bjk->bik", a, b))
    forward("einsum_attention_scores", "einsum", lambda: dict(q=randn(2, 3, 5, 4), k=randn(2, 3, 6, 4)),
            lambda q, k: torch.einsum("bhqd,bhkd->bhqk", q, k))
    forward("einsum_trace_outer", "einsum", lambda: dict(a=randn(4, 4), v=randn(3)),
            lambda a, v: torch.einsum("ii,j->j", a, v))

    values = lambda: dict(x=randn(3, 5, scale=100))
    forward("to_int64", "to", values, lambda x: x.to(torch.int64))
    forward("to_int32", "to", values, lambda x: x.to(torch.int32))
    forward("to_uint8", "to", lambda: dict(x=uniform(3, 5, lo=0, hi=255)), lambda x: x.to(torch.uint8))
    forward("to_bool", "to", lambda: dict(x=coarse(3, 5, levels=1)), lambda x: x.to(torch.bool))
    forward("to_float64", "to", values, lambda x: x.to(torch.float64))
    forward("to_float16", "to", values, lambda x: x.to(torch.float16))
    forward("int64_to_float32", "to", lambda: dict(x=randint(-1000, 1000, 3, 5)), lambda x: x.to(torch.float32))
    forward("bool_to_float32", "to", lambda: dict(x=torch.rand(3, 5) < 0.5), lambda x: x.to(torch.float32))
