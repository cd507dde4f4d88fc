"""Reference PyTorch models for model zoo part 1, written from the papers with Osprey's state-dict names.

SE-ResNet (the SENet paper), UNet valid and padded (the UNet paper), PSPNet-R50 (the PSPNet paper), and torchvision's resnet18/50.
For each: weights, a fixed input and the outputs in eval and train mode (BN batch statistics), saved as
<out>/<name>.safetensors. Also torchvision state dicts as torch.save .pth files for the import test.

Usage: /usr/bin/python3 tools/reference/models_part1.py OUT_DIR
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import save  # noqa: E402


class SE(nn.Module):
    """Squeeze-and-excitation with bias-free FCs (the paper's formula)."""

    def __init__(self, c, r=16):
        super().__init__()
        self.fc1 = nn.Linear(c, c // r, bias=False)
        self.fc2 = nn.Linear(c // r, c, bias=False)

    def forward(self, x):
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean((2, 3))))))
        return x * s[:, :, None, None]


class SEBottleneck(torchvision.models.resnet.Bottleneck):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.se = SE(self.conv3.out_channels)

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.se(self.bn3(self.conv3(out)))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class SEBasicBlock(torchvision.models.resnet.BasicBlock):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.se = SE(self.conv2.out_channels)

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.se(self.bn2(self.conv2(out)))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


LAYERS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}


def seresnet(depth, num_classes=1000, **kw):
    block = SEBasicBlock if depth < 50 else SEBottleneck
    return torchvision.models.resnet.ResNet(block, LAYERS[depth], num_classes=num_classes, **kw)


def seresnet50(num_classes=1000, **kw):
    return seresnet(50, num_classes, **kw)


def double_conv(cin, cout, valid, bn):
    layers = []
    for a, b in ((cin, cout), (cout, cout)):
        layers.append(nn.Conv2d(a, b, 3, padding=0 if valid else 1, bias=not bn))
        if bn:
            layers.append(nn.BatchNorm2d(b))
        layers.append(nn.ReLU(inplace=True))
    m = nn.Module()
    m.double_conv = nn.Sequential(*layers)
    m.forward = m.double_conv.forward
    return m


class Down(nn.Module):
    def __init__(self, cin, cout, valid, bn):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), double_conv(cin, cout, valid, bn))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up(nn.Module):
    def __init__(self, cin, cout, valid, bn):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cin // 2, 2, stride=2)
        self.conv = double_conv(cin, cout, valid, bn)

    def forward(self, x, skip):
        x = self.up(x)
        top, left = (skip.shape[2] - x.shape[2]) // 2, (skip.shape[3] - x.shape[3]) // 2
        skip = skip[:, :, top:top + x.shape[2], left:left + x.shape[3]]
        return self.conv(torch.cat([skip, x], 1))


class UNet(nn.Module):
    def __init__(self, cin, classes, valid, bn, c=64):
        super().__init__()
        self.inc = double_conv(cin, c, valid, bn)
        for k in range(4):
            setattr(self, f"down{k + 1}", Down(c << k, c << (k + 1), valid, bn))
        for k in range(4):
            setattr(self, f"up{k + 1}", Up(c << (4 - k), c << (3 - k), valid, bn))
        self.outc = nn.Module()
        self.outc.conv = nn.Conv2d(c, classes, 1)

    def forward(self, x):
        skips = [self.inc(x)]
        for k in range(4):
            skips.append(getattr(self, f"down{k + 1}")(skips[-1]))
        x = skips[4]
        for k in range(4):
            x = getattr(self, f"up{k + 1}")(x, skips[3 - k])
        return self.outc.conv(x)


class PPM(nn.Module):
    def __init__(self, cin, bins=(1, 2, 3, 6)):
        super().__init__()
        red = cin // len(bins)
        self.features = nn.ModuleList(nn.Sequential(
            nn.AdaptiveAvgPool2d(b), nn.Conv2d(cin, red, 1, bias=False), nn.BatchNorm2d(red), nn.ReLU(inplace=True))
            for b in bins)

    def forward(self, x):
        size = x.shape[2:]
        return torch.cat([x] + [F.interpolate(f(x), size, mode="bilinear", align_corners=True) for f in self.features], 1)


def psp_head(cin, hidden, classes, dropout):
    return nn.Sequential(nn.Conv2d(cin, hidden, 3, padding=1, bias=False), nn.BatchNorm2d(hidden),
                         nn.ReLU(inplace=True), nn.Dropout2d(dropout), nn.Conv2d(hidden, classes, 1))


class PSPNet(nn.Module):
    def __init__(self, classes=150, dropout=0.1, depth=50, head=512, aux=256):
        super().__init__()
        if depth == 18:
            # torchvision's BasicBlock refuses dilation; dilation adds no parameter, so this counts the dilated ResNet-18.
            self.backbone = torchvision.models.resnet18()
        else:
            resnet = {50: torchvision.models.resnet50, 101: torchvision.models.resnet101}[depth]
            self.backbone = resnet(replace_stride_with_dilation=[False, True, True])
        del self.backbone.fc
        del self.backbone.avgpool
        features = 512 if depth == 18 else 2048
        self.ppm = PPM(features)
        self.cls = psp_head(2 * features, head, classes, dropout)
        self.aux = psp_head(features // 2, aux, classes, dropout)

    def forward(self, x):
        size = x.shape[2:]
        b = self.backbone
        x = b.maxpool(b.relu(b.bn1(b.conv1(x))))
        c3 = b.layer3(b.layer2(b.layer1(x)))
        c4 = b.layer4(c3)
        out = F.interpolate(self.cls(self.ppm(c4)), size, mode="bilinear", align_corners=True)
        if self.training:
            return out, F.interpolate(self.aux(c3), size, mode="bilinear", align_corners=True)
        return out


def randomize_bn(model, gen):
    """Non-trivial running statistics and affine parameters, so eval mode tests more than identity BN."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) * 0.5 + 0.75)
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) * 0.5 + 0.75)
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)


def case(out_dir, name, model, x):
    """Randomizes BN (idempotent: same generator seed), saves weights, input and eval/train outputs."""
    randomize_bn(model, torch.Generator().manual_seed(1))
    state = {"state." + k: v.clone() for k, v in model.state_dict().items()}
    model.eval()
    with torch.no_grad():
        y_eval = model(x)
        model.train()
        y_train = model(x)
    if isinstance(y_train, tuple):
        y_train, y_aux = y_train
        state["output_train_aux"] = y_aux
    state["input"] = x
    state["output_eval"] = y_eval
    state["output_train"] = y_train
    save(os.path.join(out_dir, name + ".safetensors"), state)


def parameter_counts():
    """Parameter counts of every registered model at its registry defaults, from these reference models."""
    models = {}
    for depth in LAYERS:
        models[f"resnet{depth}"] = lambda d=depth: getattr(torchvision.models, f"resnet{d}")()
        models[f"seresnet{depth}"] = lambda d=depth: seresnet(d)
    models["unet"] = lambda: UNet(3, 2, valid=False, bn=True)
    models["unet-valid"] = lambda: UNet(1, 2, valid=True, bn=False)
    models["pspnet-r50"] = lambda: PSPNet(150, depth=50)
    models["pspnet-r101"] = lambda: PSPNet(150, depth=101)
    models["pspnet-r18"] = lambda: PSPNet(150, depth=18, head=128, aux=64)
    return {name: sum(p.numel() for p in build().parameters()) for name, build in models.items()}


def main(out_dir):
    torch.manual_seed(0)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "parameter_counts.json"), "w") as f:
        json.dump(parameter_counts(), f, indent=1)
    for name, ctor in (("resnet18", torchvision.models.resnet18), ("resnet50", torchvision.models.resnet50)):
        model = ctor()
        randomize_bn(model, torch.Generator().manual_seed(1))
        torch.save(model.state_dict(), os.path.join(out_dir, name + ".pth"))
        case(out_dir, name, model, torch.randn(2, 3, 96, 96))
    case(out_dir, "seresnet50", seresnet50(), torch.randn(2, 3, 96, 96))
    case(out_dir, "unet-valid", UNet(1, 2, valid=True, bn=False), torch.randn(2, 1, 188, 188))
    case(out_dir, "unet", UNet(3, 5, valid=False, bn=True), torch.randn(2, 3, 64, 64))
    case(out_dir, "pspnet-r50", PSPNet(classes=21, dropout=0.0), torch.randn(2, 3, 65, 65))


if __name__ == "__main__":
    main(sys.argv[1])
