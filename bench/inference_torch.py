"""PyTorch eager twin of bench/Inference: loads the weights Osprey wrote (<out>/<family>.pt, torch.load) strictly into
the reference architecture (torchvision ResNet, tools/reference/models_part1.py, yolo_reference.py, detr_reference.py),
times eval-mode forwards under no_grad with the same threads and shape, prints one JSON line.

Usage: /usr/bin/python3 bench/inference_torch.py FAMILY IMGSZ BATCH THREADS ITERS OUT_DIR
"""
import json
import os
import sys
import time

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools", "reference"))


def build(family):
    import models_part1 as m1
    if family.startswith("resnet"):
        return getattr(torchvision.models, family)(), 3
    if family.startswith("seresnet"):
        return m1.seresnet(int(family[len("seresnet"):])), 3
    if family == "unet":
        return m1.UNet(3, 2, valid=False, bn=True), 3
    if family == "unet-valid":
        return m1.UNet(1, 2, valid=True, bn=False), 1
    if family.startswith("pspnet-r"):
        return m1.PSPNet(classes=150, dropout=0.0, depth=int(family[len("pspnet-r"):])), 3
    if family.startswith("yolo11"):
        import yolo_reference as yr
        scale = family[6]
        suffix = family[7:]
        config = {"": "yolo11.yaml", "-seam": "yolo11-seam.yaml", "-multiseam": "yolo11-multiseam.yaml"}[suffix]
        return yr.DetectionModel(config, scale), 3
    if family == "detr-r50":
        import detr_reference as dr
        return dr.DETR(), 3
    raise SystemExit(f"unknown family {family}")


def main(family, size, batch, threads, iters, out_dir):
    torch.set_num_threads(threads)
    model, channels = build(family)
    model.load_state_dict(torch.load(os.path.join(out_dir, family + ".pt")), strict=True)
    model.eval()
    x = torch.randn(batch, channels, size, size)
    # DETR takes the padding mask (all False: one size), as Osprey's ImageBatch carries it.
    inputs = (x, torch.zeros(batch, size, size, dtype=torch.bool)) if family.startswith("detr") else (x,)
    times = []
    with torch.no_grad():
        for _ in range(max(2, iters // 5)):
            model(*inputs)
        for _ in range(iters):
            start = time.perf_counter()
            model(*inputs)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(json.dumps({"family": family, "torch_ms": times[iters // 2], "torch_min_ms": times[0]}))


if __name__ == "__main__":
    f, s, b, t, i, o = sys.argv[1:7]
    main(f, int(s), int(b), int(t), int(i), o)
