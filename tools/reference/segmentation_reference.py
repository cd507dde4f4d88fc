"""Reference segmentation losses, metrics and inference, written for Osprey's segmentation parity tests.

- losses: nn.CrossEntropyLoss(ignore_index=255) with and without class weights (and its gradient), PSPNet's
  main + 0.4 * aux, segmentation_models_pytorch-style multiclass soft Dice with ignore (re-implemented here), the UNet
  paper's weight map w_c + w0 * exp(-(d1 + d2)^2 / (2 sigma^2)) from scipy's exact Euclidean distance transform.
- metrics: mmsegmentation's intersect_and_union (histc of the matched / predicted / labelled pixels, ignore left out)
  and total_area_to_metrics (IoU, Acc, aAcc; NaN for empty classes, nanmean over classes), re-implemented here.
- inference: mmsegmentation's slide_inference (grid of crops, last crop flush with the border, logits summed and
  divided by the count of crops covering each pixel, crop logits resized to the crop as encode_decode does),
  multi-scale + flip test-time augmentation averaging softmax probabilities (mmsegmentation 0.x aug_test), and the
  UNet overlap-tile prediction compared with the logits function applied to the whole mirrored (np.pad reflect) image.
The logits functions are fixed convolutions with seeded weights.

Writes tests/fixtures/segmentation.safetensors.
Usage: /usr/bin/python3 tools/reference/segmentation_reference.py
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import FIXTURES, save  # noqa: E402

IGNORE = 255
out = {}
torch.manual_seed(0)

# ---- losses ----
N, C, H, W = 2, 4, 6, 5
logits = torch.randn(N, C, H, W, dtype=torch.float32)
aux = torch.randn(N, C, H, W, dtype=torch.float32)
target = torch.randint(0, C, (N, H, W))
target[0, 0, :] = IGNORE
target[1, 2:4, 1:3] = IGNORE
target[target == 3] = 2  # class 3 absent from the targets (Dice masks it)
weights = torch.tensor([0.5, 1.0, 2.0, 1.5])
out.update(loss_logits=logits, loss_aux_logits=aux, loss_target=target, loss_class_weights=weights)

x = logits.clone().requires_grad_(True)
ce = F.cross_entropy(x, target, ignore_index=IGNORE)
ce.backward()
out["ce"] = ce.detach()
out["ce_grad"] = x.grad
out["ce_weighted"] = F.cross_entropy(logits, target, weight=weights, ignore_index=IGNORE)
main, aux_loss = F.cross_entropy(logits, target, ignore_index=IGNORE), F.cross_entropy(aux, target, ignore_index=IGNORE)
out["psp_main"], out["psp_aux"], out["psp_total"] = main, aux_loss, main + 0.4 * aux_loss


def dice(logits, target, smooth=0.0, eps=1e-7):
    n, c = logits.shape[:2]
    p = logits.softmax(1).view(n, c, -1)
    t = target.view(n, -1)
    valid = t != IGNORE
    oh = F.one_hot(t * valid, c).permute(0, 2, 1).to(p.dtype)
    m = valid.unsqueeze(1).to(p.dtype)
    p, oh = p * m, oh * m
    inter, card = (p * oh).sum((0, 2)), (p + oh).sum((0, 2))
    score = (2 * inter + smooth) / (card + smooth).clamp_min(eps)
    return ((1 - score) * (oh.sum((0, 2)) > 0).to(p.dtype)).mean()


out["dice"] = dice(logits, target)
out["dice_smooth1"] = dice(logits, target, smooth=1.0)

# UNet weight map: three cells, two of them close (a 2-pixel gap), one far.
cells = np.zeros((24, 20), dtype=np.int64)
cells[3:10, 2:8] = 1
cells[3:11, 10:15] = 2
cells[15:21, 4:16] = 3
cells[12, 17] = 4  # a one-pixel cell
d = np.stack([ndimage.distance_transform_edt(cells != k) for k in range(1, 5)])
d.sort(axis=0)
border = 10.0 * np.exp(-((d[0] + d[1]) ** 2) / (2 * 5.0 ** 2)) * (cells == 0)
out["unet_cells"] = torch.from_numpy(cells)
out["unet_weight_map"] = torch.from_numpy(1.0 + border).float()
wlog = torch.randn(1, 2, 24, 20)
wt = torch.from_numpy((cells > 0).astype(np.int64))[None]
wt[0, 0, :] = IGNORE
per_pixel = F.cross_entropy(wlog, wt, ignore_index=IGNORE, reduction="none")
out["unet_logits"], out["unet_target"] = wlog, wt
out["unet_weighted_ce"] = (per_pixel * out["unet_weight_map"][None]).sum() / (wt != IGNORE).sum()

# ---- metrics ----
K = 6
pred = torch.randint(0, 5, (3, 11, 13))  # class 5 never predicted ...
label = torch.randint(0, 5, (3, 11, 13))  # ... nor labelled: NaN IoU
label[label == 4] = torch.where(torch.rand(int((label == 4).sum())) < 0.5, 4, IGNORE)
pred[0, :3] = 3
label[1, :, :4] = IGNORE
out.update(metric_pred=pred, metric_label=label)


def intersect_and_union(pred, label, num_classes, ignore_index):
    mask = label != ignore_index
    pred, label = pred[mask], label[mask]
    intersect = pred[pred == label]
    ai = torch.histc(intersect.float(), bins=num_classes, min=0, max=num_classes - 1)
    ap = torch.histc(pred.float(), bins=num_classes, min=0, max=num_classes - 1)
    al = torch.histc(label.float(), bins=num_classes, min=0, max=num_classes - 1)
    return ai, ap + al - ai, ap, al


totals = [torch.zeros(K, dtype=torch.float64) for _ in range(4)]
for i in range(pred.shape[0]):
    for t, a in zip(totals, intersect_and_union(pred[i], label[i], K, IGNORE)):
        t += a.double()
ai, au, ap, al = totals
iou, acc = ai / au, ai / al
out.update(metric_area_intersect=ai, metric_area_union=au, metric_area_pred=ap, metric_area_label=al,
           metric_iou=iou, metric_acc=acc, metric_aacc=ai.sum() / al.sum(),
           metric_miou=torch.tensor(np.nanmean(iou.numpy())), metric_macc=torch.tensor(np.nanmean(acc.numpy())))

# ---- inference ----
image = torch.randn(2, 3, 23, 30)
conv_w, conv_b = torch.randn(4, 3, 3, 3) * 0.3, torch.randn(4) * 0.1
down_w = torch.randn(4, 3, 3, 3) * 0.3
out.update(infer_image=image, infer_conv_weight=conv_w, infer_conv_bias=conv_b, infer_down_weight=down_w)


def same_conv(x):
    return F.conv2d(x, conv_w, conv_b, padding=1)


def down_conv(x):  # logits at half resolution, as a stride-8 network gives them at 1/8
    return F.conv2d(x, down_w, None, stride=2, padding=1)


def encode_decode(fn, x):
    y = fn(x)
    return F.interpolate(y, size=x.shape[2:], mode="bilinear", align_corners=False)


def slide_inference(fn, img, crop, stride, num_classes=4):
    h_stride, w_stride = stride
    h_crop, w_crop = crop
    batch, _, h_img, w_img = img.size()
    h_grids = max(h_img - h_crop + h_stride - 1, 0) // h_stride + 1
    w_grids = max(w_img - w_crop + w_stride - 1, 0) // w_stride + 1
    preds = img.new_zeros((batch, num_classes, h_img, w_img))
    count_mat = img.new_zeros((batch, 1, h_img, w_img))
    for h_idx in range(h_grids):
        for w_idx in range(w_grids):
            y1, x1 = h_idx * h_stride, w_idx * w_stride
            y2, x2 = min(y1 + h_crop, h_img), min(x1 + w_crop, w_img)
            y1, x1 = max(y2 - h_crop, 0), max(x2 - w_crop, 0)
            crop_seg_logit = encode_decode(fn, img[:, :, y1:y2, x1:x2])
            preds += F.pad(crop_seg_logit, (int(x1), int(preds.shape[3] - x2), int(y1), int(preds.shape[2] - y2)))
            count_mat[:, :, y1:y2, x1:x2] += 1
    assert (count_mat == 0).sum() == 0
    return preds / count_mat


for name, fn in (("same", same_conv), ("down", down_conv)):
    for crop, stride in (((8, 10), (5, 6)), ((12, 12), (12, 12)), ((32, 40), (16, 16))):
        out[f"slide_{name}_{crop[0]}x{crop[1]}_{stride[0]}x{stride[1]}"] = slide_inference(fn, image, crop, stride)
    out[f"whole_{name}"] = encode_decode(fn, image)


def resize(x, h, w):
    return F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)


def tta(fn, img, scales, flip):
    h, w = img.shape[2:]
    total, count = 0, 0
    for s in scales:
        sh, sw = int(h * s + 0.5), int(w * s + 0.5)
        x = resize(img, sh, sw) if (sh, sw) != (h, w) else img
        for flipped in ((False, True) if flip else (False,)):
            xi = x.flip(3) if flipped else x
            y = fn(xi)
            if flipped:
                y = y.flip(3)
            total = total + resize(y, h, w).softmax(1)
            count += 1
    return total / count


out["tta_whole_same"] = tta(lambda x: encode_decode(same_conv, x), image, (0.5, 1.0, 1.75), True)
out["tta_slide_down"] = tta(lambda x: slide_inference(down_conv, x, (8, 10), (5, 6)), image, (0.75, 1.25), True)

# Overlap-tile: a valid network (5x5 then 3x3 valid convolutions, margin 3) on tiles of 20 -> 14.
v1, v2 = torch.randn(3, 2, 5, 5) * 0.3, torch.randn(3, 3, 3, 3) * 0.3


def valid_net(x):
    return F.conv2d(F.relu(F.conv2d(x, v1)), v2)


out.update(tile_conv1=v1, tile_conv2=v2)
for h, w in ((37, 50), (5, 7)):
    img = torch.randn(1, 2, h, w)
    padded = torch.from_numpy(np.pad(img.numpy(), ((0, 0), (0, 0), (3, 3), (3, 3)), mode="reflect"))
    out[f"tile_image_{h}x{w}"] = img
    out[f"tile_expected_{h}x{w}"] = valid_net(padded)

save(os.path.join(FIXTURES, "segmentation.safetensors"), out)
print("wrote", len(out), "tensors")
