"""The best mIoU a segmentation head can reach when its logits live at 1/STRIDE of the image and are bilinearly
upsampled (PSPNet: stride 8), on fashion-scenes masks: for each mask, free logits at the low resolution are fitted by
Adam to the mask's cross entropy after the upsampling (as a network that memorised the image would give), and the
argmax is scored against the mask. An upper bound for any stride-8 model, however long it trains.

Usage: /usr/bin/python3 bench/output_stride_ceiling.py SCENES_DIR COUNT STRIDE [half]
  SCENES_DIR: a fashion-scenes folder (masks/train/*.png); half: the masks at half size, as bench/half_size_scenes.py
"""
import glob
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

CLASSES = 11


def main(root, count, stride, half):
    torch.set_num_threads(2)
    confusion = np.zeros((CLASSES, CLASSES))
    for path in sorted(glob.glob(os.path.join(root, "masks", "train", "*.png")))[:count]:
        mask = Image.open(path)
        if half:
            mask = mask.resize((mask.width // 2, mask.height // 2), Image.NEAREST)
        y = torch.from_numpy(np.asarray(mask, np.int64))
        h, w = y.shape
        one_hot = F.one_hot(y, CLASSES).permute(2, 0, 1).float()[None]
        low = (F.adaptive_avg_pool2d(one_hot, (-(-h // stride), -(-w // stride))) * 10).requires_grad_()
        optimizer = torch.optim.Adam([low], lr=0.5)
        for _ in range(300):
            loss = F.cross_entropy(F.interpolate(low, (h, w), mode="bilinear", align_corners=False), y[None])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            predicted = F.interpolate(low, (h, w), mode="bilinear", align_corners=False).argmax(1)[0]
        np.add.at(confusion, (y.numpy().ravel(), predicted.numpy().ravel()), 1)
    iou = np.diag(confusion) / (confusion.sum(0) + confusion.sum(1) - np.diag(confusion))
    print(f"{count} masks{' at half size' if half else ''}, stride {stride}: mIoU {np.nanmean(iou):.4f}; "
          f"per class {' '.join(f'{v:.2f}' for v in iou)}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), len(sys.argv) > 4 and sys.argv[4] == "half")
