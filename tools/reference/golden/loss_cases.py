"""Losses: cross entropy in all its forms, NLL, binary cross entropy (with logits), L1 / smooth L1 / MSE / Huber."""
import torch
import torch.nn.functional as F

from .core import forward, randint, randn, uniform


def _with_ignored(target, ignore, fraction=0.25):
    return target.masked_fill(torch.rand(target.shape) < fraction, ignore)


def define():
    logits = lambda: dict(x=randn(6, 5, scale=2), t=randint(0, 5, 6))
    forward("cross_entropy_mean", "cross_entropy", logits, F.cross_entropy)
    forward("cross_entropy_sum", "cross_entropy", logits, lambda x, t: F.cross_entropy(x, t, reduction="sum"))
    forward("cross_entropy_none", "cross_entropy", logits, lambda x, t: F.cross_entropy(x, t, reduction="none"))
    forward("cross_entropy_weight", "cross_entropy", lambda: {**logits(), "w": uniform(5, lo=0.2, hi=2)},
            lambda x, t, w: F.cross_entropy(x, t, weight=w))
    forward("cross_entropy_ignore_index", "cross_entropy",
            lambda: dict(x=randn(8, 5, scale=2), t=_with_ignored(randint(0, 5, 8), -100)), F.cross_entropy)
    forward("cross_entropy_label_smoothing", "cross_entropy", logits,
            lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1))
    forward("cross_entropy_spatial", "cross_entropy",
            lambda: dict(x=randn(2, 4, 3, 5, scale=2), t=_with_ignored(randint(0, 4, 2, 3, 5), 255), w=uniform(4, lo=0.2, hi=2)),
            lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=255, label_smoothing=0.05))
    forward("cross_entropy_spatial_none", "cross_entropy",
            lambda: dict(x=randn(2, 4, 3, 5, scale=2), t=_with_ignored(randint(0, 4, 2, 3, 5), 255)),
            lambda x, t: F.cross_entropy(x, t, ignore_index=255, reduction="none"))
    forward("cross_entropy_probabilities", "cross_entropy",
            lambda: dict(x=randn(4, 5, scale=2), p=torch.softmax(randn(4, 5), 1)), F.cross_entropy)
    forward("cross_entropy_probabilities_smoothing", "cross_entropy",
            lambda: dict(x=randn(4, 5, scale=2), p=torch.softmax(randn(4, 5), 1), w=uniform(5, lo=0.2, hi=2)),
            lambda x, p, w: F.cross_entropy(x, p, weight=w, label_smoothing=0.2))
    forward("nll_loss", "nll_loss", lambda: dict(x=torch.log_softmax(randn(6, 5), 1), t=randint(0, 5, 6), w=uniform(5, lo=0.2, hi=2)),
            lambda x, t, w: F.nll_loss(x, t, weight=w))

    bce = lambda: dict(x=randn(4, 3, scale=3), y=(torch.rand(4, 3) < 0.4).float())
    forward("bce_with_logits_mean", "binary_cross_entropy_with_logits", bce, F.binary_cross_entropy_with_logits)
    forward("bce_with_logits_pos_weight", "binary_cross_entropy_with_logits", lambda: {**bce(), "pw": uniform(3, lo=0.5, hi=4)},
            lambda x, y, pw: F.binary_cross_entropy_with_logits(x, y, pos_weight=pw))
    forward("bce_with_logits_weight_none", "binary_cross_entropy_with_logits", lambda: {**bce(), "w": uniform(4, 1, lo=0.1, hi=1)},
            lambda x, y, w: F.binary_cross_entropy_with_logits(x, y, weight=w, reduction="none"))
    forward("bce_with_logits_soft_sum", "binary_cross_entropy_with_logits",
            lambda: dict(x=randn(5, 2, scale=3), y=uniform(5, 2, lo=0, hi=1)),
            lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="sum"))
    forward("bce", "binary_cross_entropy", lambda: dict(p=uniform(4, 3, lo=0.05, hi=0.95), y=(torch.rand(4, 3) < 0.5).float()),
            F.binary_cross_entropy)

    reg = lambda: dict(x=randn(4, 5, scale=2), y=randn(4, 5, scale=2))
    forward("l1_loss", "l1_loss", reg, F.l1_loss)
    forward("l1_loss_none", "l1_loss", reg, lambda x, y: F.l1_loss(x, y, reduction="none"))
    forward("smooth_l1_loss", "smooth_l1_loss", reg, F.smooth_l1_loss)
    forward("smooth_l1_loss_beta_sum", "smooth_l1_loss", reg, lambda x, y: F.smooth_l1_loss(x, y, reduction="sum", beta=0.5))
    forward("mse_loss", "mse_loss", reg, F.mse_loss)
    forward("mse_loss_sum", "mse_loss", reg, lambda x, y: F.mse_loss(x, y, reduction="sum"))
    forward("huber_loss_delta", "huber_loss", reg, lambda x, y: F.huber_loss(x, y, delta=2.0))
