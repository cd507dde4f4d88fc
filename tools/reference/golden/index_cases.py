"""Python indexing (ints, slices, ellipsis, None, masks, index tensors), index_put and the gather/scatter family."""
import torch
import torch.nn.functional as F

from .core import forward, randint, randn


def _put(x, key, value):
    x[key] = value
    return x


def define():
    x = lambda: dict(x=randn(3, 4, 5))
    forward("index_int_slice_ellipsis", "index", x, lambda x: x[1, 0:3, ...])
    forward("index_negative", "index", x, lambda x: x[-1, ..., -2])
    forward("index_step", "index", x, lambda x: x[:, 1::2])
    forward("index_none", "index", x, lambda x: x[:, None, 1])
    forward("index_bool_mask", "index", x, lambda x: x[x > 0.3])
    forward("index_bool_rows", "index", lambda: dict(x=randn(5, 3), m=torch.tensor([True, False, True, True, False])),
            lambda x, m: x[m])
    forward("index_int_tensor", "index", lambda: dict(x=randn(5, 3), i=torch.tensor([4, 0, 0, 2])), lambda x, i: x[i])
    forward("index_int_tensor_dim1", "index", lambda: dict(x=randn(3, 5, 2), i=torch.tensor([[1, 3], [4, 0]])),
            lambda x, i: x[:, i])
    forward("index_two_tensors", "index", lambda: dict(x=randn(4, 5), i=torch.tensor([0, 3, 1]), j=torch.tensor([4, 4, 0])),
            lambda x, i, j: x[i, j])
    forward("index_mask_after_slice", "index", lambda: dict(x=randn(2, 3, 4), m=torch.rand(3, 4) < 0.5), lambda x, m: x[:, m])
    forward("index_ellipsis_tensor", "index", lambda: dict(x=randn(2, 3, 4), i=torch.tensor([3, 0, -1])), lambda x, i: x[..., i])
    # advanced indices separated by a slice: the broadcast index dimension moves to the front
    forward("index_separated_tensors", "index", lambda: dict(x=randn(4, 5, 6), i=torch.tensor([0, 3, 1]), j=torch.tensor([5, 0, 2])),
            lambda x, i, j: x[i, :, j])
    forward("index_tensor_then_int", "index", lambda: dict(x=randn(4, 5, 6), i=torch.tensor([[0, 3], [2, 2]])), lambda x, i: x[i, 1])
    forward("index_put_tensor", "index_put_", lambda: dict(x=randn(5, 3), i=torch.tensor([4, 1]), v=randn(2, 3)),
            lambda x, i, v: _put(x, i, v))
    forward("index_put_mask_scalar", "index_put_", lambda: dict(x=randn(4, 5)), lambda x: _put(x, x < 0, 0.5))
    forward("index_put_accumulate", "index_put_", lambda: dict(x=randn(5, 3), i=torch.tensor([1, 3, 1, 1]), v=randn(4, 3)),
            lambda x, i, v: x.index_put_((i,), v, accumulate=True))
    forward("index_put_pairs_broadcast", "index_put_",
            lambda: dict(x=randn(4, 5), i=torch.tensor([0, 2, 3]), j=torch.tensor([1, 1, 4]), v=torch.tensor(9.5)),
            lambda x, i, j, v: _put(x, (i, j), v))
    forward("index_put_slice", "copy_", lambda: dict(x=randn(4, 5), v=randn(5)), lambda x, v: _put(x, (slice(1, 3),), v))

    forward("gather", "gather", lambda: dict(x=randn(3, 5), i=randint(0, 5, 3, 4)), lambda x, i: x.gather(1, i))
    forward("scatter", "scatter", lambda: dict(x=randn(3, 5), i=torch.tensor([[0, 4], [2, 1], [3, 0]]), s=randn(3, 2)),
            lambda x, i, s: x.scatter(1, i, s))
    forward("scatter_value", "scatter", lambda: dict(x=randn(4, 3), i=torch.tensor([[1, 0, 3]])),
            lambda x, i: x.scatter(0, i, -2.0))
    forward("scatter_add", "scatter_add", lambda: dict(x=randn(3, 5), i=randint(0, 5, 3, 6), s=randn(3, 6)),
            lambda x, i, s: x.scatter_add(1, i, s))
    forward("scatter_reduce_amax", "scatter_reduce", lambda: dict(x=randn(6), i=randint(0, 6, 10), s=randn(10)),
            lambda x, i, s: x.scatter_reduce(0, i, s, "amax", include_self=False))
    forward("index_select", "index_select", lambda: dict(x=randn(3, 5), i=torch.tensor([4, 0, 4])),
            lambda x, i: x.index_select(1, i))
    forward("masked_fill", "masked_fill", lambda: dict(x=randn(3, 4), m=torch.rand(4) < 0.5),
            lambda x, m: x.masked_fill(m, -7.5))
    forward("masked_fill_tensor", "masked_fill", lambda: dict(x=randn(3, 4), m=torch.rand(3, 4) < 0.5, v=torch.tensor(2.25)),
            lambda x, m, v: x.masked_fill(m, v))
    forward("masked_select", "masked_select", lambda: dict(x=randn(3, 4), m=torch.rand(4) < 0.5),
            lambda x, m: x.masked_select(m))
    forward("nonzero", "nonzero", lambda: dict(x=(torch.rand(3, 4, 2) < 0.3).float()), torch.nonzero)
    forward("one_hot", "one_hot", lambda: dict(x=randint(0, 5, 2, 3)), lambda x: F.one_hot(x, 6))
    forward("one_hot_inferred", "one_hot", lambda: dict(x=torch.tensor([3, 0, 2])), lambda x: F.one_hot(x))
