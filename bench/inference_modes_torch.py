"""PyTorch twin of bench/InferenceModes: the weights Osprey wrote (<out>/<family>.pt) loaded strictly into the reference
architecture (bench/inference_torch.py's build), timed in alternating no_grad forwards as eager NCHW and as PyTorch's
fast eager path: conv+BN folded by torch.fx's fuse where the model traces (else unfolded, said in the output) and
channels-last weights and input, that fast path under bf16 CPU autocast, and for ResNet classifiers FX post-training
int8 on the onednn engine (min/max observers, per-channel symmetric weights: Osprey's Int8ResNet scheme, calibrated on
4 random-normal batches; the sigmoid of SE keeps the fixed output range of the default onednn mapping). Prints one JSON
line.

Usage: /usr/bin/python3 bench/inference_modes_torch.py FAMILY IMGSZ BATCH THREADS ITERS OUT_DIR
"""
import copy
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from inference_torch import build  # noqa: E402


def main(family, size, batch, threads, iters, out_dir):
    torch.set_num_threads(threads)
    model, channels = build(family)
    model.load_state_dict(torch.load(os.path.join(out_dir, family + ".pt")), strict=True)
    model.eval()
    fast = copy.deepcopy(model)
    folded = True
    try:
        from torch.fx.experimental.optimization import fuse
        fast = fuse(fast)
    except Exception:  # noqa: BLE001 - a model fx cannot trace keeps its BatchNorms
        folded = False
    fast = fast.to(memory_format=torch.channels_last)
    torch.manual_seed(1)
    x = torch.randn(batch, channels, size, size)
    x_cl = x.contiguous(memory_format=torch.channels_last)
    extra = (torch.zeros(batch, size, size, dtype=torch.bool),) if family.startswith("detr") else ()

    def forward(m, inp):
        start = time.perf_counter()
        m(inp, *extra)
        return (time.perf_counter() - start) * 1000

    def forward_bf16(m, inp):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return forward(m, inp)

    eager_ms, fast_ms, bf16_ms = [], [], []
    bf16_error = None
    with torch.no_grad():
        try:
            forward_bf16(fast, x_cl)
        except RuntimeError as e:  # 1.13's CPU autocast leaves layer_norm's mixed dtypes to the kernel, which refuses
            bf16_error = str(e).splitlines()[0]
        for _ in range(max(1, iters // 5)):
            forward(model, x)
            forward(fast, x_cl)
        for _ in range(iters):
            eager_ms.append(forward(model, x))
            fast_ms.append(forward(fast, x_cl))
            if bf16_error is None:
                bf16_ms.append(forward_bf16(fast, x_cl))
    int8_ms = []
    int8 = quantized_resnet(model, x) if family.startswith(("resnet", "seresnet")) else None
    if int8 is not None:
        with torch.no_grad():
            forward(int8, x_cl)
            for _ in range(iters):
                int8_ms.append(forward(int8, x_cl))
    for times in (eager_ms, fast_ms, bf16_ms, int8_ms):
        times.sort()
    print(json.dumps({"family": family, "torch_eager_ms": eager_ms[iters // 2], "torch_fast_ms": fast_ms[iters // 2],
                      "torch_bf16_ms": bf16_ms[iters // 2] if bf16_ms else None, "torch_bf16_error": bf16_error,
                      "torch_int8_ms": int8_ms[iters // 2] if int8_ms else None, "torch_fast_folded": folded}))


def quantized_resnet(model, x):
    from torch.ao.quantization import QConfig
    from torch.ao.quantization.observer import MinMaxObserver, PerChannelMinMaxObserver
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = "onednn"
    qconfig = QConfig(activation=MinMaxObserver.with_args(dtype=torch.quint8),
                      weight=PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric))
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools", "reference"))
    from int8_resnet_reference import min_max_mapping
    prepared = prepare_fx(copy.deepcopy(model), min_max_mapping(qconfig), example_inputs=(x,))
    torch.manual_seed(2)
    with torch.no_grad():
        for _ in range(4):
            prepared(torch.randn_like(x))
    return convert_fx(prepared)


if __name__ == "__main__":
    f, s, b, t, i, o = sys.argv[1:7]
    main(f, int(s), int(b), int(t), int(i), o)
