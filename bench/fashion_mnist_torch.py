#!/usr/bin/env python3
"""PyTorch side of the Fashion-MNIST training-throughput comparison (run with Debian's /usr/bin/python3).

The model mirrors Osprey's SE-ResNet (src/Osprey/Models/Backbones/ResNet.cs with SmallStem and Width):
torchvision's BasicBlock layout, SE (Linear without bias, r=16) after bn2, 3x3 stride-1 stem, no max-pool.
The loop is the one Osprey's Trainer runs per step: forward, cross-entropy (label smoothing), backward,
SGD (momentum, nesterov, weight decay on conv/linear weights only), zero_grad(set_to_none).
Inputs are random batches of the given size (data loading is not what this measures).

usage: fashion_mnist_torch.py [--width 64] [--batch 128] [--imgsz 28] [--threads N] [--steps 20] [--warmup 3]
"""
import argparse, time
import torch
from torch import nn


class SE(nn.Module):
    def __init__(self, c, r=16):
        super().__init__()
        self.fc1 = nn.Linear(c, max(1, c // r), bias=False)
        self.fc2 = nn.Linear(max(1, c // r), c, bias=False)

    def forward(self, x):
        w = torch.sigmoid(self.fc2(torch.relu(self.fc1(x.mean((2, 3))))))
        return x * w.view(x.shape[0], -1, 1, 1)


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride, downsample):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.se = SE(planes)
        self.downsample = downsample

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.se(self.bn2(self.conv2(y)))
        identity = self.downsample(x) if self.downsample is not None else x
        return torch.relu_(y.add_(identity))


class SEResNet18(nn.Module):
    def __init__(self, width=64, in_channels=1, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        inplanes, layers = width, []
        for s in range(4):
            planes, stride = width << s, 1 if s == 0 else 2
            down = None
            if stride != 1 or inplanes != planes:
                down = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
            layers.append(nn.Sequential(BasicBlock(inplanes, planes, stride, down), BasicBlock(planes, planes, 1, None)))
            inplanes = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.fc = nn.Linear(inplanes, classes)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(x.mean((2, 3)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--imgsz", type=int, default=28)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = SEResNet18(a.width).train()
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0}],
                          lr=0.05, momentum=0.9, nesterov=True)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    x = torch.randn(a.batch, 1, a.imgsz, a.imgsz)
    y = torch.randint(0, 10, (a.batch,))
    for i in range(a.warmup + a.steps):
        if i == a.warmup:
            start = time.perf_counter()
        loss = loss_fn(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    elapsed = time.perf_counter() - start
    print(f"pytorch {torch.__version__} seresnet18 width {a.width} batch {a.batch} imgsz {a.imgsz} threads {a.threads}: "
          f"{a.steps * a.batch / elapsed:.1f} images/s ({elapsed / a.steps * 1000:.0f} ms/step)")


if __name__ == "__main__":
    main()
