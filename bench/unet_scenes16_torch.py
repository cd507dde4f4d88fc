"""The same padded UNet (width 16, BatchNorm; 1,942,747 parameters as Osprey's `unet --width 16`) trained in PyTorch on
bench/out/scenes16 (whole half-size scenes padded to 128: mean image, ignore mask), AdamW + poly as
bench/segmentation.sh, to tell Osprey's convergence apart from the recipe's: prints the epoch's mean training loss and
the mIoU (eval mode) on the 16 images. Environment: LR (2e-3), EPOCHS (60), BACKGROUND (the background's class
weight, 1), THREADS (2). Run with Debian's /usr/bin/python3."""
import glob
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

IGNORE, SIZE = 255, 128
MEAN, STD = np.array([0.485, 0.456, 0.406], np.float32), np.array([0.229, 0.224, 0.225], np.float32)
lr, epochs = float(os.environ.get("LR", "2e-3")), int(os.environ.get("EPOCHS", "60"))
torch.manual_seed(0)
torch.set_num_threads(int(os.environ.get("THREADS", "2")))


def load(root):
    images, masks = [], []
    for path in sorted(glob.glob(os.path.join(root, "images", "train", "*.png"))):
        image = np.asarray(Image.open(path).convert("RGB"), np.float32) / 255
        mask = np.asarray(Image.open(path.replace(os.sep + "images" + os.sep, os.sep + "masks" + os.sep)), np.int64)
        x, y = np.tile(MEAN, (SIZE, SIZE, 1)), np.full((SIZE, SIZE), IGNORE, np.int64)
        x[:image.shape[0], :image.shape[1]], y[:mask.shape[0], :mask.shape[1]] = image, mask
        images.append(torch.from_numpy((x - MEAN) / STD).permute(2, 0, 1))
        masks.append(torch.from_numpy(y))
    return torch.stack(images), torch.stack(masks)


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True))


class UNet(nn.Module):
    def __init__(self, width=16, classes=11):
        super().__init__()
        c = [width * 2 ** i for i in range(5)]
        self.down = nn.ModuleList([double_conv(3, c[0])] + [double_conv(c[i], c[i + 1]) for i in range(4)])
        self.up = nn.ModuleList([nn.ConvTranspose2d(c[i + 1], c[i], 2, 2) for i in reversed(range(4))])
        self.merge = nn.ModuleList([double_conv(2 * c[i], c[i]) for i in reversed(range(4))])
        self.head = nn.Conv2d(c[0], classes, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        x = skips.pop()
        for up, merge in zip(self.up, self.merge):
            x = merge(torch.cat([skips.pop(), up(x)], 1))
        return self.head(x)


def miou(pred, target, classes=11):
    valid, ious = target != IGNORE, []
    for c in range(classes):
        union = (((pred == c) | (target == c)) & valid).sum().item()
        if union:
            ious.append(((pred == c) & (target == c) & valid).sum().item() / union)
    return float(np.mean(ious))


images, masks = load(sys.argv[1] if len(sys.argv) > 1 else "bench/out/scenes16")
net = UNet()
print("parameters", sum(p.numel() for p in net.parameters()))
weight = torch.ones(11)
weight[0] = float(os.environ.get("BACKGROUND", "1"))
optimizer = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
steps, step, batch = epochs * len(images) // 4, 0, 4
for epoch in range(epochs):
    order, total = torch.randperm(len(images)), 0.0
    for b in range(0, len(images), batch):
        for group in optimizer.param_groups:
            group["lr"] = lr * (1 - step / steps) ** 0.9
        idx = order[b:b + batch]
        loss = F.cross_entropy(net(images[idx]), masks[idx], weight=weight, ignore_index=IGNORE)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total, step = total + loss.item(), step + 1
    if epoch == 0 or (epoch + 1) % 10 == 0:
        net.eval()
        with torch.no_grad():
            score = miou(net(images).argmax(1), masks)
        net.train()
        print(f"epoch {epoch + 1} loss {total / (len(images) // batch):.4f} mIoU {score:.4f}", flush=True)
