"""Reference DETR matching and set loss (paper section 3.1, with the official code's weights and reductions),
written for Osprey's loss parity test. The assignment is found by brute force over all injections (the inputs are
tiny), so no scipy is needed.

Writes tests/fixtures/detr_loss.safetensors: predictions of a final and two auxiliary decoder layers for three
images (3, 0 and 2 targets), the targets, each layer's matches, every loss term and the gradients of the total.

Usage: /usr/bin/python3 tools/reference/detr_loss_reference.py
"""
import itertools
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import FIXTURES, save  # noqa: E402

NUM_CLASSES, QUERIES, NO_OBJECT_WEIGHT = 4, 6, 0.1
W_CLASS, W_BOX, W_GIOU = 1.0, 5.0, 2.0


def to_corners(b):
    cx, cy, w, h = b.unbind(-1)
    return torch.stack((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), -1)


def giou(a, b):
    """Generalized IoU of aligned/broadcast (..., 4) corner boxes."""
    def area(lt, rb):
        wh = (rb - lt).clamp(min=0)
        return wh[..., 0] * wh[..., 1]
    inter = area(torch.max(a[..., :2], b[..., :2]), torch.min(a[..., 2:], b[..., 2:]))
    union = area(a[..., :2], a[..., 2:]) + area(b[..., :2], b[..., 2:]) - inter
    hull = area(torch.min(a[..., :2], b[..., :2]), torch.max(a[..., 2:], b[..., 2:]))
    return inter / union - (hull - union) / hull


def match(logits, boxes, labels, tboxes):
    """Minimum-cost injection of targets into queries by enumeration; pairs sorted by query."""
    if len(labels) == 0:
        return [], []
    with torch.no_grad():
        prob = logits.softmax(-1)
        cost = (W_BOX * (boxes[:, None] - tboxes[None]).abs().sum(-1) - W_CLASS * prob[:, labels]
                - W_GIOU * giou(to_corners(boxes)[:, None], to_corners(tboxes)[None])).double()
    best, best_cost = None, float("inf")
    for queries in itertools.permutations(range(len(boxes)), len(labels)):
        c = sum(cost[q, t].item() for t, q in enumerate(queries))
        if c < best_cost:
            best, best_cost = queries, c
    pairs = sorted((q, t) for t, q in enumerate(best))
    return [p[0] for p in pairs], [p[1] for p in pairs]


def layer_losses(logits, boxes, targets, num_boxes):
    matches = [match(logits[i], boxes[i], t["labels"], t["boxes"]) for i, t in enumerate(targets)]
    img = torch.tensor([i for i, (q, _) in enumerate(matches) for _ in q], dtype=torch.long)
    qry = torch.tensor([x for q, _ in matches for x in q], dtype=torch.long)
    lab = torch.cat([t["labels"][m[1]] for t, m in zip(targets, matches)])
    tbx = torch.cat([t["boxes"][m[1]] for t, m in zip(targets, matches)])
    classes = torch.full(logits.shape[:2], NUM_CLASSES, dtype=torch.long)
    classes[img, qry] = lab
    weight = torch.ones(NUM_CLASSES + 1)
    weight[-1] = NO_OBJECT_WEIGHT
    ce = F.cross_entropy(logits.transpose(1, 2), classes, weight)
    src = boxes[img, qry]
    l1 = (src - tbx).abs().sum() / num_boxes
    gi = (1 - giou(to_corners(src), to_corners(tbx))).sum() / num_boxes
    with torch.no_grad():
        card = (logits.argmax(-1) != NUM_CLASSES).sum(1).float()
        card_err = F.l1_loss(card, torch.tensor([float(len(t["labels"])) for t in targets]))
        acc = (logits[img, qry].argmax(-1) == lab).float().mean() * 100
    return ce, l1, gi, card_err, 100 - acc, matches


def main():
    g = torch.Generator().manual_seed(5)
    counts = [3, 0, 2]
    targets = []
    for n in counts:
        centers = torch.rand(n, 2, generator=g) * 0.6 + 0.2
        sizes = torch.rand(n, 2, generator=g) * 0.3 + 0.05
        targets.append({"labels": torch.randint(0, NUM_CLASSES, (n,), generator=g), "boxes": torch.cat([centers, sizes], 1)})
    layers = []
    for _ in range(3):  # two auxiliary layers, then the final one
        logits = (torch.randn(len(counts), QUERIES, NUM_CLASSES + 1, generator=g) * 2).requires_grad_()
        boxes = torch.rand(len(counts), QUERIES, 4, generator=g)
        boxes = (boxes * torch.tensor([0.6, 0.6, 0.4, 0.4]) + torch.tensor([0.2, 0.2, 0.05, 0.05])).requires_grad_()
        layers.append((logits, boxes))
    num_boxes = max(sum(counts), 1)

    out, total = {}, 0
    for k, (logits, boxes) in enumerate(layers):
        suffix = "" if k == len(layers) - 1 else f"_{k}"
        ce, l1, gi, card, cls_err, matches = layer_losses(logits, boxes, targets, num_boxes)
        total = total + W_CLASS * ce + W_BOX * l1 + W_GIOU * gi
        name = "final" if suffix == "" else f"aux{k}"
        out.update({f"loss_ce{suffix}": ce, f"loss_bbox{suffix}": l1, f"loss_giou{suffix}": gi,
                    f"cardinality_error{suffix}": card, f"{name}.logits": logits, f"{name}.boxes": boxes})
        if suffix == "":
            out["class_error"] = cls_err
        for i, (q, t) in enumerate(matches):
            out[f"{name}.match{i}.queries"] = torch.tensor(q, dtype=torch.long)
            out[f"{name}.match{i}.targets"] = torch.tensor(t, dtype=torch.long)
    total.backward()
    for k, (logits, boxes) in enumerate(layers):
        name = "final" if k == len(layers) - 1 else f"aux{k}"
        out[f"{name}.logits_grad"] = logits.grad
        out[f"{name}.boxes_grad"] = boxes.grad
    out["total"] = total
    for i, t in enumerate(targets):
        out[f"target{i}.labels"] = t["labels"]
        out[f"target{i}.boxes"] = t["boxes"]
    save(os.path.join(FIXTURES, "detr_loss.safetensors"), {k: v.detach() for k, v in out.items()})


if __name__ == "__main__":
    main()
