"""Random streams: the same seed must give the same numbers as PyTorch (both use libtorch's CPU generator)."""
import torch
import torch.nn.functional as F

from .core import forward, randn

SEED = 20240521


def _seeded(fn):
    def run(*inputs):
        torch.manual_seed(SEED)
        return fn(*inputs)
    return run


def define():
    forward("rng_randn", "randn", lambda: {}, _seeded(lambda: torch.randn(3, 7)))
    forward("rng_rand", "rand", lambda: {}, _seeded(lambda: torch.rand(4, 5)))
    forward("rng_randint", "randint", lambda: {}, _seeded(lambda: torch.randint(-3, 9, (5, 4))))
    forward("dropout_seeded", "dropout", lambda: dict(x=randn(6, 8)), _seeded(lambda x: F.dropout(x, 0.3, True)))
