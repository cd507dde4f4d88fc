"""Reference for Osprey's SyncBatchNorm: what torch.nn.SyncBatchNorm computes for two ranks, as the whole batch.

torch 1.13's nn.SyncBatchNorm refuses CPU tensors (its batch_norm_stats kernels are CUDA-only), so the reference is
its definition: nn.BatchNorm2d in training over the ranks' batches concatenated (rank 0 holds 3 images, rank 1 holds
2, so the statistics must weigh the ranks by their counts). The loss is sum(dy * y) over both ranks: each rank's
input gradient is its slice of the concatenated input gradient, and the ranks' local weight and bias gradients sum
to the whole batch's (DistributedDataParallel then averages them). Running statistics after the step (momentum 0.1,
unbiased variance) are the same on every rank.

Writes tests/fixtures/sync_batch_norm.safetensors.
Usage: /usr/bin/python3 tools/reference/sync_batch_norm_reference.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import FIXTURES, save  # noqa: E402

torch.manual_seed(0)
C, H, W = 4, 5, 6
x = torch.randn(5, C, H, W) * 2 + 0.5
dy = torch.randn(5, C, H, W)
bn = torch.nn.BatchNorm2d(C, momentum=0.1)
with torch.no_grad():
    bn.weight.copy_(torch.rand(C) + 0.5)
    bn.bias.copy_(torch.randn(C))
    bn.running_mean.copy_(torch.randn(C))
    bn.running_var.copy_(torch.rand(C) + 0.5)
weight0, bias0 = bn.weight.detach().clone(), bn.bias.detach().clone()
mean0, var0 = bn.running_mean.clone(), bn.running_var.clone()
xg = x.clone().requires_grad_()
y = bn(xg)
(y * dy).sum().backward()

save(os.path.join(FIXTURES, "sync_batch_norm.safetensors"), {
    "x": x, "dy": dy, "weight": weight0, "bias": bias0, "running_mean": mean0, "running_var": var0,
    "y": y.detach(), "grad_x": xg.grad, "grad_weight": bn.weight.grad, "grad_bias": bn.bias.grad,
    "running_mean_after": bn.running_mean, "running_var_after": bn.running_var,
})
