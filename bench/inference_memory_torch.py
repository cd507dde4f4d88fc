"""PyTorch twin of bench/InferenceMemory: VmRSS after import, after the reference model is built (random weights),
after the first and the last no-grad forward, and the peak (VmHWM), for eager NCHW ("plain") or the fast eager path
("fast": fx-fused conv+BN where the model traces, channels-last model and input). Prints one JSON line.

Usage: /usr/bin/python3 bench/inference_memory_torch.py FAMILY IMGSZ BATCH THREADS ITERS plain|fast
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from inference_torch import build  # noqa: E402
from torch_bench import vm_status_mib as status  # noqa: E402


def main(family, size, batch, threads, iters, mode):
    stages = {}
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    stages["start"] = status("VmRSS")
    model, channels = build(family)
    model.eval()
    stages["model"] = status("VmRSS")
    x = torch.randn(batch, channels, size, size)
    if mode == "fast":
        import torch.fx.experimental.optimization as fx_optimization
        try:
            model = fx_optimization.fuse(model)
        except Exception:  # models that do not trace keep their BatchNorms
            pass
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
        stages["prepared"] = status("VmRSS")
    inputs = (x, torch.zeros(batch, size, size, dtype=torch.bool)) if family.startswith("detr") else (x,)
    with torch.no_grad():
        for i in range(iters):
            model(*inputs)
            if i == 0:
                stages["first_forward"] = status("VmRSS")
    stages["forwards"] = status("VmRSS")
    print(json.dumps({"family": family, "imgsz": size, "batch": batch, "threads": threads, "iters": iters, "mode": mode,
                      "rss_mib": stages, "peak_mib": status("VmHWM")}))


if __name__ == "__main__":
    f, s, b, t, i, m = sys.argv[1:7]
    main(f, int(s), int(b), int(t), int(i), m)
