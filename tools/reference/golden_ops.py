"""Writes the tensor-engine golden fixtures: tests/fixtures/ops/<case>.safetensors.

Run with Debian's python (it has torch 1.13.1):  /usr/bin/python3 tools/reference/golden_ops.py
The C# tests in tests/Osprey.Torch.Tests/Golden run the same ops through Osprey and compare.
"""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from golden import (core, grad_cases, index_cases, inplace_cases, loss_cases, math_cases, nn_cases,  # noqa: E402
                    reduce_cases, rng_cases, shape_cases)


def main():
    torch.set_num_threads(1)
    for stale in glob.glob(os.path.join(core.OPS_DIR, "*.safetensors")):
        os.remove(stale)
    for module in (math_cases, reduce_cases, shape_cases, index_cases, inplace_cases, nn_cases, loss_cases, rng_cases, grad_cases):
        module.define()
    total = sum(os.path.getsize(p) for p in glob.glob(os.path.join(core.OPS_DIR, "*.safetensors")))
    grads = sum(1 for n in core.written if n.startswith("grad_"))
    print(f"wrote {len(core.written)} fixtures ({len(core.written) - grads} forward, {grads} gradient), {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
