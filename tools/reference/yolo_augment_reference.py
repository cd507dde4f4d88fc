"""Golden fixtures for Osprey's YOLO augmentation (Osprey.Data.Transforms.Detection), computed by ultralytics' own
LetterBox, RandomPerspective, RandomHSV and Mosaic._mosaic4 (ultralytics/data/augment.py, 8.3.x) with OpenCV.

The random draws are fixed (Python's random.uniform and numpy's np.random.uniform are replaced by lists of given
values), so the C# side replays the same draws and compares: matrices, boxes, kept indices and HSV pixels exactly
(within float32 rounding), warped/resized pixels within a small tolerance (OpenCV's fixed-point bilinear).

Needs Debian's python3-opencv and an ultralytics source tree (any 8.3.x release; not part of Osprey):
    YOLO_CONFIG_DIR=/tmp/ulcfg ULTRALYTICS_PATH=/path/to/ultralytics-tree /usr/bin/python3 tools/reference/yolo_augment_reference.py
Writes tests/fixtures/detection/yolo_augment.safetensors.
"""
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import FIXTURES, save  # noqa: E402

sys.path.insert(0, os.environ["ULTRALYTICS_PATH"])
import ultralytics  # noqa: E402
from ultralytics.data.augment import LetterBox, Mosaic, RandomHSV, RandomPerspective  # noqa: E402
from ultralytics.utils.instance import Instances  # noqa: E402


def image(h, w, seed):
    """A smooth RGB image with some edges (bilinear differences stay small on smooth content)."""
    g = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([(x * 255 / max(w - 1, 1)), (y * 255 / max(h - 1, 1)), ((x + y) * 3) % 256], -1)
    img[h // 3: h // 2, w // 4: w // 2] = g.integers(0, 256, 3)
    return img.astype(np.uint8)


def labels(img, boxes):
    boxes = np.asarray(boxes, dtype=np.float32)
    return {"img": img, "cls": np.arange(len(boxes), dtype=np.float32)[:, None],
            "instances": Instances(boxes, np.zeros((0, 1000, 2), dtype=np.float32), bbox_format="xyxy", normalized=False)}


class Draws:
    """Replaces random.uniform with the given values, in order."""
    def __init__(self, values):
        self.values, self.saved = list(values), random.uniform

    def __enter__(self):
        random.uniform = lambda a, b: self.values.pop(0)
        return self

    def __exit__(self, *args):
        random.uniform = self.saved
        assert not self.values, "unused draws"


def main():
    out = {}
    meta = {"ultralytics": ultralytics.__version__}
    boxes = [[2, 3, 20, 30], [10.5, 0, 52, 36.25], [40, 20, 53, 37]]

    # LetterBox: (source h, w, new shape, scaleup)
    for i, (h, w, shape, scaleup) in enumerate([(37, 53, (64, 64), True), (50, 30, (48, 64), True), (37, 53, (32, 32), False)]):
        img = image(h, w, i)
        bx = [[min(b[0], w), min(b[1], h), min(b[2], w), min(b[3], h)] for b in boxes]
        res = LetterBox(new_shape=shape, scaleup=scaleup)(labels(img.copy(), bx))
        res["instances"].convert_bbox("xyxy")
        out[f"letterbox{i}.image"] = torch.from_numpy(img.transpose(2, 0, 1).copy())
        out[f"letterbox{i}.boxes"] = torch.tensor(bx, dtype=torch.float32)
        out[f"letterbox{i}.out_image"] = torch.from_numpy(res["img"].transpose(2, 0, 1).copy())
        out[f"letterbox{i}.out_boxes"] = torch.from_numpy(res["instances"].bboxes.copy())
        meta[f"letterbox{i}"] = f"{shape[0]},{shape[1]},{int(scaleup)}"

    # RandomPerspective: hyperparameters, 8 draws (perspective x, y, angle, scale, shear x, y, translate x, y), border.
    cases = [
        (dict(degrees=10, translate=0.1, scale=0.5, shear=2, perspective=0.0), [0, 0, 7.5, 1.3, -1.5, 0.8, 0.45, 0.58], (0, 0)),
        (dict(degrees=0, translate=0.1, scale=0.5, shear=0, perspective=0.0), [0, 0, 0, 0.55, 0, 0, 0.6, 0.41], (0, 0)),
        (dict(degrees=0, translate=0.1, scale=0.5, shear=0, perspective=0.0), [0, 0, 0, 1.2, 0, 0, 0.5, 0.5], (-16, -16)),
        (dict(degrees=5, translate=0.1, scale=0.5, shear=0, perspective=0.0005), [0.0004, -0.0003, -4, 0.9, 0, 0, 0.52, 0.47], (0, 0)),
    ]
    for i, (hyp, draws, border) in enumerate(cases):
        h, w = (48, 64) if border == (0, 0) else (64, 64)
        img = image(h, w, 10 + i)
        bx = [[2, 3, 20, 30], [10.5, 0, 52, 36.25], [40, 20, 63, 47], [0, 40, 3, 47], [30, 30, 60, 31.5]]
        rp = RandomPerspective(border=border, **hyp)
        with Draws(draws):
            res = rp(labels(img.copy(), bx))
        # The matrix alone, from the same draws.
        rp.size = (w + 2 * border[1], h + 2 * border[0])
        with Draws(draws):
            _, M, _ = rp.affine_transform(img.copy(), border)
        out[f"perspective{i}.image"] = torch.from_numpy(img.transpose(2, 0, 1).copy())
        out[f"perspective{i}.boxes"] = torch.tensor(bx, dtype=torch.float32)
        out[f"perspective{i}.draws"] = torch.tensor(draws, dtype=torch.float64)
        out[f"perspective{i}.matrix"] = torch.from_numpy(M.astype(np.float64))
        out[f"perspective{i}.out_image"] = torch.from_numpy(res["img"].transpose(2, 0, 1).copy())
        out[f"perspective{i}.out_boxes"] = torch.from_numpy(res["instances"].bboxes.copy())
        out[f"perspective{i}.out_classes"] = torch.from_numpy(res["cls"][:, 0].astype(np.int64))
        meta[f"perspective{i}"] = f"{hyp['degrees']},{hyp['translate']},{hyp['scale']},{hyp['shear']},{hyp['perspective']},{border[0]},{border[1]}"

    # RandomHSV on an RGB image (ultralytics works on BGR: convert around it), fixed uniforms.
    g = np.random.default_rng(5)
    # Width 64: every pixel goes through OpenCV's vectorized HSV2RGB (SSE to AVX-512); its scalar row tail rounds.
    rgb = g.integers(0, 256, (8, 64, 3)).astype(np.uint8)
    special = np.array([[0, 0, 0], [255, 255, 255], [128, 128, 128], [255, 0, 0], [0, 255, 0], [0, 0, 255],
                        [255, 255, 0], [0, 255, 255], [255, 0, 255], [1, 2, 3], [200, 199, 201], [90, 30, 200]], np.uint8)
    rgb[0, :12] = special
    out["hsv.image"] = torch.from_numpy(rgb.transpose(2, 0, 1).copy())
    saved = np.random.uniform
    for i, u in enumerate([[0.3, -0.8, 0.5], [-1.0, 0.99, -0.7], [0.77, 0.2, 0.9]]):
        np.random.uniform = lambda a, b, n, u=u: np.array(u)
        bgr = np.ascontiguousarray(rgb[..., ::-1])
        RandomHSV(hgain=0.015, sgain=0.7, vgain=0.4)({"img": bgr})
        np.random.uniform = saved
        out[f"hsv{i}.gains"] = torch.tensor(np.array(u) * [0.015, 0.7, 0.4], dtype=torch.float64)
        out[f"hsv{i}.out_image"] = torch.from_numpy(bgr[..., ::-1].transpose(2, 0, 1).copy())

    # Mosaic._mosaic4 with a fixed centre; tiles already at long side imgsz (no resize).
    imgsz = 32
    sizes = [(32, 20), (24, 32), (32, 32), (16, 32)]
    tiles = [image(h, w, 20 + k) for k, (h, w) in enumerate(sizes)]
    tile_boxes = [[[1, 1, 10, 30]], [[0, 0, 32, 24], [5, 5, 6, 6]], [[20, 20, 31, 31]], [[0, 2, 30, 14]]]

    class FakeDataset:
        cache = None
        buffer = []

        def __len__(self):
            return 4

    mosaic = Mosaic(FakeDataset(), imgsz=imgsz, p=1.0, n=4)
    for k, t in enumerate(tiles):
        out[f"mosaic.tile{k}"] = torch.from_numpy(t.transpose(2, 0, 1).copy())
        out[f"mosaic.tile{k}.boxes"] = torch.tensor(tile_boxes[k], dtype=torch.float32)
    for i, centre in enumerate([(40.7, 25.2), (16.0, 47.9)]):  # (yc, xc) uniforms, int() in ultralytics
        parts = []
        for k, t in enumerate(tiles):
            lb = labels(t.copy(), tile_boxes[k])
            lb["cls"] = np.full((len(tile_boxes[k]), 1), k, dtype=np.float32)
            lb["resized_shape"] = t.shape[:2]
            lb["im_file"], lb["ori_shape"] = f"tile{k}", t.shape[:2]
            parts.append(lb)
        first = parts[0]
        first["mix_labels"] = parts[1:]
        with Draws(list(centre)):
            res = mosaic._mosaic4(first)
        res["instances"].convert_bbox("xyxy")
        out[f"mosaic{i}.centre"] = torch.tensor(centre, dtype=torch.float64)
        out[f"mosaic{i}.out_image"] = torch.from_numpy(res["img"].transpose(2, 0, 1).copy())
        out[f"mosaic{i}.out_boxes"] = torch.from_numpy(res["instances"].bboxes.copy())
        out[f"mosaic{i}.out_classes"] = torch.from_numpy(res["cls"][:, 0].astype(np.int64))

    path = os.path.join(FIXTURES, "detection", "yolo_augment.safetensors")
    save(path, out, meta)
    print(f"wrote {path} ({os.path.getsize(path)} bytes, ultralytics {ultralytics.__version__})")


if __name__ == "__main__":
    main()
