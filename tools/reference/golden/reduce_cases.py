"""Reductions, scans, soft-max and selection (max/min with indices, topk, sort)."""
import torch

from .core import coarse, forward, randn


def define():
    x345 = lambda: dict(x=randn(3, 4, 5))
    forward("sum_all", "sum", x345, torch.sum)
    forward("sum_dims_keepdim", "sum", x345, lambda x: x.sum(dim=(0, 2), keepdim=True))
    forward("sum_dim_negative", "sum", x345, lambda x: x.sum(dim=-1))
    forward("sum_int_to_int64", "sum", lambda: dict(x=torch.randint(-50, 50, (4, 6), dtype=torch.int32)), lambda x: x.sum(dim=1))
    forward("mean_all", "mean", x345, torch.mean)
    forward("mean_dims", "mean", x345, lambda x: x.mean(dim=(1, 2)))
    forward("mean_dim_keepdim", "mean", x345, lambda x: x.mean(dim=1, keepdim=True))
    forward("max_all", "max", x345, torch.max)
    forward("min_all", "min", x345, torch.min)
    forward("max_dim", "max", x345, lambda x: tuple(torch.max(x, dim=1)))
    forward("min_dim_keepdim", "min", x345, lambda x: tuple(torch.min(x, dim=2, keepdim=True)))
    forward("amax", "amax", x345, lambda x: torch.amax(x, dim=(0, 2)))
    forward("amin_keepdim", "amin", x345, lambda x: torch.amin(x, dim=(1,), keepdim=True))
    forward("argmax_flat", "argmax", x345, torch.argmax)
    forward("argmax_dim", "argmax", x345, lambda x: torch.argmax(x, dim=1))
    forward("argmin_dim_keepdim", "argmin", x345, lambda x: torch.argmin(x, dim=0, keepdim=True))
    forward("std_unbiased_all", "std", x345, lambda x: torch.std(x))
    forward("std_biased_dim", "std", x345, lambda x: torch.std(x, dim=1, unbiased=False))
    forward("var_unbiased_dims", "var", x345, lambda x: torch.var(x, dim=(0, 2), keepdim=True))
    forward("var_biased_all", "var", x345, lambda x: torch.var(x, unbiased=False))
    forward("norm_l2_all", "norm", x345, lambda x: x.norm())
    forward("norm_l1_dim", "norm", x345, lambda x: x.norm(p=1, dim=2))
    forward("norm_inf_dim", "norm", x345, lambda x: torch.linalg.vector_norm(x, ord=float("inf"), dim=0))
    forward("prod_all", "prod", lambda: dict(x=randn(2, 5)), torch.prod)
    forward("prod_dim", "prod", x345, lambda x: torch.prod(x, dim=1, keepdim=True))
    forward("cumsum", "cumsum", x345, lambda x: torch.cumsum(x, dim=1))
    forward("softmax", "softmax", lambda: dict(x=randn(3, 4, 5, scale=3)), lambda x: torch.softmax(x, dim=1))
    forward("softmax_last", "softmax", lambda: dict(x=randn(3, 7, scale=5)), lambda x: torch.softmax(x, dim=-1))
    forward("log_softmax", "log_softmax", lambda: dict(x=randn(3, 4, 5, scale=3)), lambda x: torch.log_softmax(x, dim=-1))
    bools = lambda: dict(x=torch.rand(3, 4) < 0.7)
    forward("all", "all", bools, torch.all)
    forward("any_dim", "any", bools, lambda x: torch.any(x, dim=1))
    forward("all_dim_keepdim", "all", bools, lambda x: torch.all(x, dim=0, keepdim=True))
    forward("count_nonzero", "count_nonzero", lambda: dict(x=coarse(4, 5, levels=1)), torch.count_nonzero)
    forward("topk_largest", "topk", lambda: dict(x=randn(3, 8)), lambda x: tuple(torch.topk(x, 3)))
    forward("topk_smallest_dim0", "topk", lambda: dict(x=randn(6, 4)), lambda x: tuple(torch.topk(x, 2, dim=0, largest=False)))
    forward("sort", "sort", lambda: dict(x=randn(3, 7)), lambda x: tuple(torch.sort(x)))
    # ties: only a stable sort has one right answer for the indices
    forward("sort_stable_descending", "sort", lambda: dict(x=coarse(4, 9, levels=2)),
            lambda x: tuple(torch.sort(x, dim=1, descending=True, stable=True)))
    forward("argsort_dim0", "argsort", lambda: dict(x=randn(5, 3)), lambda x: torch.argsort(x, dim=0, descending=True))
