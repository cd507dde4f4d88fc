"""Views and reshaping, joining and splitting, flips and rolls."""
import torch

from .core import forward, randn


def define():
    x = lambda: dict(x=randn(2, 3, 4))
    forward("view", "view", x, lambda x: x.view(6, 4))
    forward("reshape_infer", "reshape", x, lambda x: x.reshape(4, -1))
    forward("reshape_noncontiguous", "reshape", x, lambda x: x.permute(2, 0, 1).reshape(8, 3))
    forward("permute", "permute", x, lambda x: x.permute(2, 0, 1).contiguous())
    forward("transpose", "transpose", x, lambda x: x.transpose(0, 2))
    forward("matrix_t", "t", lambda: dict(x=randn(3, 5)), lambda x: x.t())
    forward("flatten_from1", "flatten", lambda: dict(x=randn(2, 3, 2, 2)), lambda x: x.flatten(1))
    forward("flatten_middle", "flatten", lambda: dict(x=randn(2, 3, 2, 2)), lambda x: x.flatten(1, 2))
    ones = lambda: dict(x=randn(1, 3, 1, 2))
    forward("squeeze_all", "squeeze", ones, torch.squeeze)
    forward("squeeze_dim", "squeeze", ones, lambda x: x.squeeze(2))
    forward("unsqueeze_negative", "unsqueeze", x, lambda x: x.unsqueeze(-1))
    forward("expand", "expand", lambda: dict(x=randn(3, 1)), lambda x: x.expand(2, -1, 4))
    forward("expand_as", "expand_as", lambda: dict(x=randn(1, 4), like=randn(3, 4)), lambda x, like: x.expand_as(like))
    forward("narrow", "narrow", x, lambda x: x.narrow(2, 1, 2))
    forward("select", "select", x, lambda x: x.select(1, -1))
    forward("slice_step", "slice", lambda: dict(x=randn(3, 10)), lambda x: x[:, 1:9:3])
    forward("chunk_uneven", "chunk", lambda: dict(x=randn(7, 2)), lambda x: x.chunk(3))
    forward("split_size", "split", lambda: dict(x=randn(2, 7)), lambda x: x.split(3, dim=1))
    forward("split_sizes", "split_with_sizes", lambda: dict(x=randn(6, 2)), lambda x: x.split([1, 3, 2]))
    forward("unbind", "unbind", x, lambda x: x.unbind(1))
    forward("cat_dim1", "cat", lambda: dict(a=randn(2, 3), b=randn(2, 1), c=randn(2, 2)), lambda a, b, c: torch.cat([a, b, c], 1))
    forward("stack_dim2", "stack", lambda: dict(a=randn(2, 3), b=randn(2, 3)), lambda a, b: torch.stack([a, b], 2))
    forward("repeat", "repeat", lambda: dict(x=randn(2, 3)), lambda x: x.repeat(2, 1, 3))
    forward("flip", "flip", x, lambda x: x.flip(0, 2))
    forward("roll", "roll", x, lambda x: x.roll((1, -2), (1, 2)))
    forward("tril", "tril", lambda: dict(x=randn(4, 5)), lambda x: x.tril(1))
    forward("triu", "triu", lambda: dict(x=randn(4, 5)), lambda x: x.triu(-1))
    forward("meshgrid_xy", "meshgrid", lambda: dict(a=randn(3), b=randn(4)), lambda a, b: torch.meshgrid(a, b, indexing="xy"))
