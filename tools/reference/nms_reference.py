"""torchvision's nms and batched_nms on random cases, for Osprey's Nms parity test.

Cases: integer-coordinate boxes (many IoUs exactly equal to the threshold, which must not suppress) with scores on a
coarse grid (exact ties), a float case with two-decimal scores, a batched case small enough for torchvision's
coordinate-offset path (numel <= 4000) and one large enough for its per-class path, and float64 boxes. Each case
stores boxes, scores, (for batched cases) class ids, the threshold and the kept indices in torchvision's order.

Writes tests/fixtures/detection/nms.safetensors.

Usage: /usr/bin/python3 tools/reference/nms_reference.py
"""
import os
import sys

import torch
from torchvision.ops import batched_nms, nms

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import FIXTURES, save  # noqa: E402


def integer_boxes(g, n, extent, max_side):
    xy = torch.randint(0, extent, (n, 2), generator=g)
    wh = torch.randint(1, max_side + 1, (n, 2), generator=g)
    return torch.cat((xy, xy + wh), 1).float()


def float_boxes(g, n, extent, max_side, dtype=torch.float32):
    xy = torch.rand(n, 2, generator=g, dtype=torch.float64) * extent
    wh = torch.rand(n, 2, generator=g, dtype=torch.float64) * (max_side - 1) + 1
    return torch.cat((xy, xy + wh), 1).to(dtype)


def main():
    g = torch.Generator().manual_seed(20240611)
    tensors, meta = {}, {}

    def case(name, boxes, scores, threshold, classes=None):
        keep = nms(boxes, scores, threshold) if classes is None else batched_nms(boxes, scores, classes, threshold)
        tensors[f"{name}.boxes"], tensors[f"{name}.scores"], tensors[f"{name}.keep"] = boxes, scores, keep
        if classes is not None:
            tensors[f"{name}.classes"] = classes
        meta[f"{name}.threshold"] = repr(threshold)

    boxes = integer_boxes(g, 300, 24, 8)
    case("integer", boxes, torch.randint(0, 8, (300,), generator=g).float() / 8, 0.5)
    # Two boxes at IoU exactly 0.5 (inter 2, union 4) with equal scores: both are kept.
    case("at_threshold", torch.tensor([[0.0, 0, 4, 1], [0, 0, 2, 1], [10, 10, 12, 11], [10, 10, 14, 11]]),
         torch.tensor([0.9, 0.9, 0.8, 0.8]), 0.5)
    boxes = float_boxes(g, 2000, 200, 40)
    case("float", boxes, (torch.rand(2000, generator=g) * 100).round() / 100, 0.7)
    boxes = integer_boxes(g, 900, 40, 10)
    case("batched_offset", boxes, torch.randint(0, 10, (900,), generator=g).float() / 10, 0.5,
         torch.randint(0, 4, (900,), generator=g))
    boxes = float_boxes(g, 3000, 300, 50)
    case("batched_per_class", boxes, (torch.rand(3000, generator=g) * 50).round() / 50, 0.45,
         torch.randint(0, 6, (3000,), generator=g))
    boxes = float_boxes(g, 500, 100, 30, torch.float64)
    case("double", boxes, (torch.rand(500, generator=g, dtype=torch.float64) * 20).round() / 20, 0.6)
    case("empty", torch.zeros(0, 4), torch.zeros(0), 0.5, torch.zeros(0, dtype=torch.int64))

    save(os.path.join(FIXTURES, "detection", "nms.safetensors"), tensors, meta)


if __name__ == "__main__":
    main()
