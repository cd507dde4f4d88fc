"""Writes torch.save checkpoints for Osprey's import tests, each with the expected tensors as safetensors.

    /usr/bin/python3 tools/reference/write_checkpoints.py [OUTDIR] [--resnet18]

Without OUTDIR the small fixtures go to tests/fixtures/torch (committed). --resnet18 writes only
resnet18.pt (a seeded torchvision resnet18() state dict, ~45 MB) and resnet18.safetensors; tests
generate those at run time in a temporary folder instead of committing them.
"""
import argparse
import copy
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures import FIXTURES, save  # noqa: E402


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3)
        self.bn1 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 5)


class Gate(nn.Module):
    """A custom block as user code defines it (pickled as __main__.Gate)."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        self.register_buffer("scale", torch.linspace(0.5, 2.0, c))
        self.register_buffer("cache", torch.zeros(c), persistent=False)
        self.register_parameter("gain", None)
        self.add_module("skip", None)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.conv(x)) * self.scale.view(1, -1, 1, 1)


def trained_tiny():
    model = Tiny()
    model.train()
    model.bn1(model.conv1(torch.randn(4, 3, 6, 6)))  # running stats and num_batches_tracked move off their init
    return model


def write_small(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)

    sd = trained_tiny().state_dict()
    torch.save(sd, os.path.join(out, "sd_fp32.pt"))
    save(os.path.join(out, "sd_fp32.safetensors"), sd)

    half = {k: (v.half() if v.is_floating_point() else v) for k, v in sd.items()}
    torch.save(half, os.path.join(out, "sd_fp16.pt"))
    save(os.path.join(out, "sd_fp16.safetensors"), half)

    torch.save(sd, os.path.join(out, "legacy.pt"), _use_new_zipfile_serialization=False)

    # A DETR-style training checkpoint: the weights under "model", beside optimizer state and plain data.
    model = trained_tiny()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    model.fc(torch.randn(2, 8)).sum().backward()
    optimizer.step()
    nested = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "lr_scheduler": {"step_size": 200, "gamma": 0.1, "last_epoch": 7},
        "epoch": 7,
        "args": argparse.Namespace(lr=1e-4, backbone="resnet50", dilation=False, masks=None),
    }
    torch.save(nested, os.path.join(out, "nested.pt"))
    save(os.path.join(out, "nested.safetensors"), model.state_dict())

    # An ultralytics-style checkpoint: a whole pickled nn.Module (fp16 EMA), with a custom class.
    net = nn.Sequential(nn.Conv2d(3, 4, 3, bias=False), nn.BatchNorm2d(4), Gate(4))
    net.train()
    net(torch.randn(2, 3, 8, 8))
    ema = copy.deepcopy(net).half()
    ema.names = {0: "cat", 1: "dog"}
    ema.stride = torch.tensor([8.0, 16.0])  # a tensor attribute: not part of the state dict
    ckpt = {"epoch": 3, "best_fitness": np.float64(0.25), "model": None, "ema": ema, "updates": 12,
            "train_args": {"imgsz": 640, "lr0": 0.01, "names": ["a", "b"]}, "date": "2024-01-01"}
    torch.save(ckpt, os.path.join(out, "module.pt"))
    save(os.path.join(out, "module.safetensors"), ema.state_dict())

    # Views: three entries share one storage, two of them non-contiguous or offset.
    base = torch.arange(20, dtype=torch.float32).reshape(4, 5)
    views = {"base": base, "t": base.t(), "narrow": base[1:3, 2:], "scalar": torch.tensor(3.5),
             "empty": torch.zeros(0, 3), "strided": base[::2, ::3]}
    torch.save(views, os.path.join(out, "views.pt"))
    save(os.path.join(out, "views.safetensors"), views)

    # The same plain data in protocol 2 (torch's default) and protocols 4 and 5 (FRAME, MEMOIZE, STACK_GLOBAL, ...).
    for protocol in (2, 4, 5):
        torch.save(plain_values(), os.path.join(out, f"values_p{protocol}.pt"), pickle_protocol=protocol)

    # Recognised but unsupported: a quantized tensor (torch._utils._rebuild_qtensor).
    quantized = torch.quantize_per_tensor(torch.linspace(0, 1, 4), 0.1, 0, torch.quint8)
    torch.save({"q": quantized}, os.path.join(out, "quantized.pt"))

    g = torch.Generator().manual_seed(1)
    x = torch.randn(3, 4, generator=g) * 100
    dtypes = {"f32": x, "f16": x.half(), "bf16": x.bfloat16(), "f64": x.double(), "i64": x.long(),
              "i32": x.int(), "i16": x.short(), "i8": x.clamp(-128, 127).to(torch.int8),
              "u8": x.abs().clamp(0, 255).to(torch.uint8), "bool": x > 0}
    torch.save(dtypes, os.path.join(out, "dtypes.pt"))
    save(os.path.join(out, "dtypes.safetensors"), dtypes)


def plain_values():
    """Python values of every kind a checkpoint holds, to check the unpickler's data model."""
    shared = [1, 2]
    return {
        "small": 5, "neg": -7, "int16": 40000, "int32": -2**31, "int64": 2**40, "min64": -2**63, "huge": 2**80, "neghuge": -2**70,
        "float": 1.5, "nan": float("nan"), "str": "h\u00e9llo \u2713", "empty": "", "bytes": b"\x00\x01\xff",
        "bytearray": bytearray(b"ab"), "tuple": (1, (2, 3), ()), "list": [None, True, False], "set": {1, 2},
        "frozenset": frozenset({"x"}), (1, "k"): "tuple key", 7: "int key", "ordered": OrderedDict(b=2, a=1),
        "shared": [shared, shared], "size": torch.Size([2, 3]), "device": torch.device("cpu"), "dtype": torch.float16,
        "tensor": torch.arange(6, dtype=torch.int32).reshape(2, 3),
    }


def write_resnet18(out):
    import torchvision

    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    sd = torchvision.models.resnet18().state_dict()
    torch.save(sd, os.path.join(out, "resnet18.pt"))
    save(os.path.join(out, "resnet18.safetensors"), sd)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=os.path.join(FIXTURES, "torch"))
    parser.add_argument("--resnet18", action="store_true")
    options = parser.parse_args()
    if options.resnet18:
        write_resnet18(options.out)
    else:
        write_small(options.out)
