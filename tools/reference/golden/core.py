"""Case registry and fixture layout for the tensor-engine golden tests.

A fixture tests/fixtures/ops/<case>.safetensors holds
  - the inputs under their own names (as they were before the op ran: in-place ops change them),
  - the output as `out`, or several outputs as `out0`, `out1`, ...,
  - for gradient cases: the upstream gradient `gy` (same shape as the first output) and
    `grad.<input>` for every input listed in the metadata `wrt`,
and metadata `op` (the PyTorch operator under test) and `kind` (forward | grad).
Each case seeds torch from its own name, so adding a case never changes another's data.
"""
import os
import zlib

import torch

from fixtures import FIXTURES, save

OPS_DIR = os.path.join(FIXTURES, "ops")
written = []


def _seed(name):
    torch.manual_seed(zlib.crc32(name.encode()))


def randn(*shape, scale=1.0):
    """Standard normal drawn in float64, stored as float32."""
    return (torch.randn(*shape, dtype=torch.float64) * scale).float()


def uniform(*shape, lo=-1.0, hi=1.0):
    return (torch.rand(*shape, dtype=torch.float64) * (hi - lo) + lo).float()


def randint(low, high, *shape):
    return torch.randint(low, high, shape, dtype=torch.int64)


def coarse(*shape, levels=4):
    """Small integers as float32 (ties on purpose: comparisons, sort stability)."""
    return torch.randint(-levels, levels + 1, shape, dtype=torch.int64).float()


def _outputs(result):
    if isinstance(result, torch.Tensor):
        return {"out": result}
    return {f"out{k}": t for k, t in enumerate(result)}


def _check_names(name, inputs):
    for key in inputs:
        if key.startswith(("out", "grad.")) or key == "gy":
            raise ValueError(f"{name}: input name '{key}' collides with the fixture layout")


def forward(name, op, make_inputs, fn):
    """Runs fn(*inputs) (positionally, in dict order) without autograd and writes inputs and outputs."""
    _seed(name)
    inputs = make_inputs()
    _check_names(name, inputs)
    pristine = {k: v.clone() for k, v in inputs.items()}
    with torch.no_grad():
        result = fn(*inputs.values())
    _write(name, {**pristine, **_outputs(result)}, {"op": op, "kind": "forward"})


def grad(name, op, make_inputs, fn, wrt=None):
    """Runs fn(*inputs), back-propagates a fixed random gy from the first output and writes the gradients."""
    _seed(name)
    inputs = make_inputs()
    _check_names(name, inputs)
    if wrt is None:
        wrt = [k for k, v in inputs.items() if v.is_floating_point()]
    else:
        wrt = wrt.split()
    pristine = {k: v.clone() for k, v in inputs.items()}
    for k in wrt:
        inputs[k].requires_grad_(True)
    result = fn(*inputs.values())
    outs = _outputs(result)
    first = outs.get("out", outs.get("out0"))
    gy = (torch.randn(first.shape, dtype=torch.float64)).float()
    first.backward(gy)
    grads = {f"grad.{k}": inputs[k].grad for k in wrt}
    missing = [k for k, g in grads.items() if g is None]
    if missing:
        raise ValueError(f"{name}: no gradient reached {missing}")
    _write(name, {**pristine, **outs, "gy": gy, **grads}, {"op": op, "kind": "grad", "wrt": ",".join(wrt)})


def _write(name, tensors, metadata):
    if name in written:
        raise ValueError(f"case {name} defined twice")
    written.append(name)
    save(os.path.join(OPS_DIR, name + ".safetensors"), tensors, metadata)
