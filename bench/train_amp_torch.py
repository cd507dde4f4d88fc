"""PyTorch twin of bench/TrainThroughput --model NAME --amp 0|1: one SGD step (forward, label-smoothed cross-entropy,
zero_grad, backward, step) of torchvision's resnet50 or the reference SE-ResNet-50 on a random ImageNet-shaped batch,
in float32 or under bf16 CPU autocast; mean ms per step after 2 warm-up steps.

Usage: /usr/bin/python3 bench/train_amp_torch.py NAME BATCH IMGSZ THREADS STEPS AMP
"""
import os
import sys
import time

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools", "reference"))


def main(name, batch, size, threads, steps, amp):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if name.startswith("seresnet"):
        from models_part1 import seresnet
        model = seresnet(int(name[len("seresnet"):]))
    else:
        model = getattr(torchvision.models, name)()
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x, y = torch.randn(batch, 3, size, size), torch.randint(0, 1000, (batch,))
    times = []
    for i in range(steps + 2):
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=amp):
            loss = torch.nn.functional.cross_entropy(model(x), y, label_smoothing=0.1)
        loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i >= 2:
            times.append(time.perf_counter() - start)
    ms = sum(times) / len(times) * 1000
    print(f"torch {name} amp {int(amp)} batch {batch} imgsz {size} threads {threads}: {batch / ms * 1000:.1f} images/s ({ms:.0f} ms/step)")


if __name__ == "__main__":
    n, b, s, t, k, a = sys.argv[1:7]
    main(n, int(b), int(s), int(t), int(k), a == "1")
