"""Golden fixtures for Osprey's YOLO criterion and training recipe, computed by the official ultralytics code.

Runs ultralytics' own v8DetectionLoss (utils/loss.py, with its TaskAlignedAssigner, BboxLoss, DFLoss and bbox_iou)
on fixed raw maps and targets, and ultralytics' BaseTrainer.build_optimizer / _setup_scheduler plus the trainer's
warm-up rule on a yolo11n DetectionModel, and writes:

  tests/fixtures/yolo_loss.safetensors   per case: the raw maps, the targets (as the per-image pixel xyxy boxes the
                                         loss uses after its preprocess, and as the normalized xywh labels it was fed),
                                         each logged loss term, the total, the gradient of the total w.r.t. every raw
                                         map, and the assigner's fg_mask, target_gt_idx and target_scores
                                         also ultralytics' bbox_iou (CIoU) with gradients, bbox2dist, dist2bbox
                                         and DFLoss on random and edge-case boxes (boxes.*, dfl.*)
  tests/fixtures/yolo_recipe.json        the three parameter groups of yolo11n (names, in order), the optimizer chosen
                                         by optimizer=auto and its settings for several run sizes, and per-iteration
                                         lr / momentum / accumulate of each group over the warm-up and after it

Usage (any ultralytics 8.3.x tree with YOLO11; fetched, never committed):
  ULTRALYTICS=/path/to/tree/containing/ultralytics-package /usr/bin/python3 tools/reference/yolo_loss_reference.py
Needs Debian's python3-torch and the packages ultralytics imports (python3-yaml python3-opencv python3-matplotlib
python3-psutil python3-tqdm python3-requests python3-pil python3-scipy). The package's own __init__ (which imports
every model family and its optional dependencies) is bypassed: only the modules named above are loaded. The fixtures
were written from ultralytics 8.3.59.
"""
import json
import math
import os
import sys
import types

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import FIXTURES, save  # noqa: E402


def import_ultralytics():
    root = os.environ.get("ULTRALYTICS")
    if not root:
        sys.exit("set ULTRALYTICS to the folder holding the ultralytics package (an 8.3.x tree)")
    package_dir = os.path.join(root, "ultralytics")
    version = next(line.split('"')[1] for line in open(os.path.join(package_dir, "__init__.py")) if line.startswith("__version__"))
    package = types.ModuleType("ultralytics")
    package.__path__ = [package_dir]
    package.__version__ = version
    sys.modules["ultralytics"] = package
    # Some forks import albumentations at the top of their data modules; the trainer's formulas do not use it.
    for name in ("albumentations", "albumentations.pytorch"):
        stub = types.ModuleType(name)
        stub.__path__ = []
        stub.ToTensorV2 = object
        sys.modules.setdefault(name, stub)
    os.environ.setdefault("YOLO_OFFLINE", "1")
    return version, package_dir


VERSION, PACKAGE_DIR = import_ultralytics()
import yaml  # noqa: E402

from ultralytics.engine.trainer import BaseTrainer  # noqa: E402
from ultralytics.nn.tasks import DetectionModel  # noqa: E402
from ultralytics.utils.loss import DFLoss, v8DetectionLoss  # noqa: E402
from ultralytics.utils.metrics import bbox_iou  # noqa: E402
from ultralytics.utils.ops import xywh2xyxy  # noqa: E402
from ultralytics.utils.tal import bbox2dist, dist2bbox  # noqa: E402

DEFAULTS = yaml.safe_load(open(os.path.join(PACKAGE_DIR, "cfg", "default.yaml")))
REG_MAX, TOPK = 16, 10


class StandInModel(nn.Module):
    """What v8DetectionLoss reads from a model: a parameter (for the device), args (gains) and model[-1] (the head)."""

    def __init__(self, strides, nc):
        super().__init__()
        self.anchor = nn.Parameter(torch.zeros(1))
        self.args = types.SimpleNamespace(box=DEFAULTS["box"], cls=DEFAULTS["cls"], dfl=DEFAULTS["dfl"])
        self.model = [types.SimpleNamespace(stride=torch.tensor(strides, dtype=torch.float32), nc=nc, reg_max=REG_MAX)]


def random_labels(g, count, classes):
    """Normalized (cx, cy, w, h) labels inside the image, and class ids drawn from `classes` (a list to sample)."""
    cx, cy = torch.rand(count, generator=g) * 0.8 + 0.1, torch.rand(count, generator=g) * 0.8 + 0.1
    w = torch.minimum(torch.rand(count, generator=g) * 0.45 + 0.15, 2 * torch.minimum(cx, 1 - cx))
    h = torch.minimum(torch.rand(count, generator=g) * 0.45 + 0.15, 2 * torch.minimum(cy, 1 - cy))
    picks = torch.randint(0, len(classes), (count,), generator=g)
    return torch.stack((cx, cy, w, h), 1), torch.tensor([classes[i] for i in picks], dtype=torch.float32)


def jittered_copy(g, boxes, labels, index):
    """A near-duplicate of box `index` (same class): anchors inside both compete (select_highest_overlaps)."""
    b = boxes[index] + (torch.rand(4, generator=g) - 0.5) * 0.04
    return torch.cat((boxes, b[None])), torch.cat((labels, labels[index:index + 1]))


def has_ties(loss, feats, batch):
    """True when the assignment could depend on tie order: a target whose k-th and (k+1)-th alignment metrics are
    (nearly) equal, or whose top k reach zero metrics while some anchor inside it has a zero metric, or an anchor claimed by several targets with (nearly) equal
    overlaps. Such inputs are skipped so that the assignment is defined by the values, not by kernel details."""
    captured = {}
    original = loss.assigner.get_box_metrics

    def capture(*args):
        metric, overlaps = original(*args)
        captured["metric"], captured["overlaps"], captured["mask_gt"] = metric.clone(), overlaps.clone(), args[-1]
        return metric, overlaps

    loss.assigner.get_box_metrics = capture
    with torch.no_grad():
        loss([f.detach() for f in feats], batch)
    loss.assigner.get_box_metrics = original
    if "metric" not in captured:
        return False
    metric, overlaps, inside = captured["metric"], captured["overlaps"], captured["mask_gt"].bool()
    real = inside.any(-1)  # (b, max_boxes): a target with anchors inside
    for b, t in real.nonzero().tolist():
        top = metric[b, t].sort(descending=True).values
        if top[TOPK - 1] > 0:
            if (top[TOPK - 1] - top[TOPK]) <= 1e-4 * top[TOPK - 1]:
                return True
        elif (metric[b, t][inside[b, t]] <= 0).any():  # top-k reaches zeros, and some zeros lie inside the box
            return True
        ov = overlaps[b][real[b]]  # (real targets, anchors)
        if ov.shape[0] > 1:
            top2 = ov.sort(0, descending=True).values[:2]
            near = (top2[0] - top2[1]).abs() <= 1e-5 * top2[0].clamp(min=1e-12)
            if (near & (top2[0] > 0)).any():
                return True
    return False


def run_case(name, seed, nc, strides, imgsz, per_image, class_pool):
    """One batch: raw maps for input size imgsz = (h, w), per_image[i] targets in image i drawn from class_pool."""
    for attempt in range(200):
        g = torch.Generator().manual_seed(seed + attempt)
        n = len(per_image)
        feats = []
        for s in strides:
            h, w = imgsz[0] // s, imgsz[1] // s
            # Bin logits falling with the bin index: expected distances of about 1.2 cells, boxes of about the targets'
            # size, as after some training (random maps predict huge boxes whose clamped CIoU is 0 everywhere).
            falling = -0.6 * torch.arange(REG_MAX, dtype=torch.float32).repeat(4).view(1, -1, 1, 1)
            box = torch.randn(n, 4 * REG_MAX, h, w, generator=g) + falling
            cls = torch.randn(n, nc, h, w, generator=g) - 1.0
            feats.append(torch.cat((box, cls), 1).requires_grad_(True))
        idx, cls, xywh = [], [], []
        for i, count in enumerate(per_image):
            if count == 0:
                continue
            boxes, labels = random_labels(g, count - 1 if count > 1 else count, class_pool)
            if count > 1:
                boxes, labels = jittered_copy(g, boxes, labels, 0)
            idx.append(torch.full((len(labels),), float(i)))
            cls.append(labels)
            xywh.append(boxes.clamp(0.01, 0.99))
        batch = {
            "batch_idx": torch.cat(idx) if idx else torch.zeros(0),
            "cls": torch.cat(cls).view(-1, 1) if cls else torch.zeros(0, 1),
            "bboxes": torch.cat(xywh) if xywh else torch.zeros(0, 4),
        }
        loss = v8DetectionLoss(StandInModel(strides, nc), tal_topk=TOPK)
        if not has_ties(loss, feats, batch):
            break
    else:
        raise RuntimeError(f"{name}: no tie-free draw in 200 attempts")

    captured = {}
    assign = loss.assigner.forward

    def recording(*args):
        out = assign(*args)
        captured["assigned"] = [o.clone() for o in out]
        return out

    loss.assigner.forward = recording
    total, items = loss(feats, batch)
    total.backward()
    _, _, target_scores, fg_mask, target_gt_idx = captured["assigned"]

    out = {}
    for level, f in enumerate(feats):
        out[f"{name}.map{level}"] = f.detach()
        out[f"{name}.map{level}_grad"] = f.grad
    # What a dataset gives Osprey: per-image pixel xyxy boxes and class ids; here exactly the boxes the official
    # preprocess makes from the normalized labels (xywh * (w, h, w, h) -> xyxy), and the labels themselves.
    scale = torch.tensor([imgsz[1], imgsz[0], imgsz[1], imgsz[0]], dtype=torch.float32)
    for i in range(len(per_image)):
        mine = batch["batch_idx"] == i
        out[f"{name}.image{i}.boxes"] = xywh2xyxy(batch["bboxes"][mine] * scale)
        out[f"{name}.image{i}.labels_xywhn"] = batch["bboxes"][mine].clone()
        out[f"{name}.image{i}.classes"] = batch["cls"][mine].view(-1).long()
    out[f"{name}.box_loss"], out[f"{name}.cls_loss"], out[f"{name}.dfl_loss"] = items[0], items[1], items[2]
    out[f"{name}.total"] = total.detach()
    out[f"{name}.fg_mask"] = fg_mask.bool()
    out[f"{name}.target_gt_idx"] = target_gt_idx.long()
    out[f"{name}.target_scores"] = target_scores.float()
    info = {"nc": nc, "strides": strides, "imgsz": list(imgsz), "images": len(per_image), "targets": per_image,
            "foreground": int(fg_mask.sum())}
    print(name, info, "losses", [round(float(x), 6) for x in items], "total", float(total))
    return out, info


CASES = [
    # 80 classes; one image with targets mostly of class 0, one with none.
    ("coco_imbalanced", 100, 80, [8, 16, 32], (64, 64), [6, 0], [0, 0, 0, 0, 0, 17]),
    # one class, a non-square input, three images (one crowded).
    ("single_class", 200, 1, [8, 16, 32], (96, 64), [3, 1, 7], [0]),
    # no target in the whole batch: only the classification term.
    ("no_targets", 300, 4, [8, 16, 32], (64, 64), [0, 0], [0]),
    # other strides and a wide input; class 2 dominates.
    ("wide_strides", 400, 5, [16, 32, 64], (128, 192), [9, 2], [2, 2, 2, 2, 2, 2, 4]),
]


def box_ops():
    """bbox_iou(CIoU=True) with its gradients, bbox2dist, dist2bbox and DFLoss on random and edge-case boxes."""
    g = torch.Generator().manual_seed(7)
    corner = torch.rand(40, 2, generator=g) * 50
    a = torch.cat((corner, corner + torch.rand(40, 2, generator=g) * 30 + 0.5), 1)
    corner = torch.rand(40, 2, generator=g) * 50
    b = torch.cat((corner, corner + torch.rand(40, 2, generator=g) * 30 + 0.5), 1)
    # identical, disjoint, nested, touching, zero-width boxes
    a[0], b[0] = torch.tensor([1.0, 2, 11, 22]), torch.tensor([1.0, 2, 11, 22])
    a[1], b[1] = torch.tensor([0.0, 0, 4, 4]), torch.tensor([10.0, 10, 14, 18])
    a[2], b[2] = torch.tensor([0.0, 0, 40, 30]), torch.tensor([5.0, 6, 9, 12])
    a[3], b[3] = torch.tensor([0.0, 0, 4, 4]), torch.tensor([4.0, 0, 8, 4])
    a[4], b[4] = torch.tensor([3.0, 3, 3, 9]), torch.tensor([2.0, 2, 6, 6])
    a.requires_grad_(True), b.requires_grad_(True)
    iou = bbox_iou(a, b, xywh=False, CIoU=True)
    iou.sum().backward()
    points = torch.rand(40, 2, generator=g) * 60
    distances = bbox2dist(points, b.detach(), REG_MAX - 1)
    sides = torch.rand(40, 4, generator=g) * 10
    corners = dist2bbox(sides, points, xywh=False)
    logits = torch.randn(40 * 4, REG_MAX, generator=g)
    target = torch.rand(40, 4, generator=g) * 17 - 1  # below 0 and above reg_max - 1 too: clamped
    dfl = DFLoss(REG_MAX)(logits, target.clone())
    return {"boxes.a": a.detach(), "boxes.b": b.detach(), "boxes.ciou": iou.detach().squeeze(-1), "boxes.ciou_grad_a": a.grad,
            "boxes.ciou_grad_b": b.grad, "boxes.points": points, "boxes.bbox2dist": distances,
            "boxes.sides": sides, "boxes.dist2bbox": corners,
            "dfl.logits": logits, "dfl.target": target, "dfl.loss": dfl}


# ---- recipe ------------------------------------------------------------------------------------------------------

def trainer_standin(**overrides):
    args = dict(DEFAULTS)
    args.update(overrides)
    trainer = types.SimpleNamespace(args=types.SimpleNamespace(**args), epochs=args["epochs"])
    return trainer


def build(trainer, model, batch, dataset_size):
    """The optimizer part of BaseTrainer._setup_train, with the official build_optimizer and _setup_scheduler."""
    a = trainer.args
    accumulate = max(round(a.nbs / batch), 1)
    weight_decay = a.weight_decay * batch * accumulate / a.nbs
    iterations = math.ceil(dataset_size / max(batch, a.nbs)) * trainer.epochs
    trainer.optimizer = BaseTrainer.build_optimizer(trainer, model=model, name=a.optimizer, lr=a.lr0,
                                                    momentum=a.momentum, decay=weight_decay, iterations=iterations)
    BaseTrainer._setup_scheduler(trainer)
    trainer.scheduler.last_epoch = -1  # start_epoch - 1 with start_epoch 0
    return accumulate, weight_decay, iterations


def schedule(trainer, batch, batches_per_epoch, sample):
    """Per-iteration lr/momentum of each group as the official training loop sets them: the scheduler steps at each
    epoch start (lr = initial_lr * lf(epoch)); during the warm-up (ni <= nw) every group's lr and momentum and the
    accumulation count are interpolated with np.interp over [0, nw]; the optimizer steps after batch ni when
    ni - last step >= accumulate."""
    a, opt = trainer.args, trainer.optimizer
    nb = batches_per_epoch
    nw = max(round(a.warmup_epochs * nb), 100) if a.warmup_epochs > 0 else -1
    accumulate = max(round(a.nbs / batch), 1)
    rows, steps, last_opt_step = [], [], -1
    for epoch in range(trainer.epochs):
        trainer.scheduler.step()
        for i in range(nb):
            ni = i + nb * epoch
            if ni <= nw:
                xi = [0, nw]
                accumulate = max(1, int(np.interp(ni, xi, [1, a.nbs / batch]).round()))
                for j, x in enumerate(opt.param_groups):
                    x["lr"] = np.interp(ni, xi, [a.warmup_bias_lr if j == 0 else 0.0, x["initial_lr"] * trainer.lf(epoch)])
                    if "momentum" in x:
                        x["momentum"] = np.interp(ni, xi, [a.warmup_momentum, a.momentum])
            if ni - last_opt_step >= accumulate:  # the loop's optimizer_step condition, after the backward of batch ni
                last_opt_step = ni
                if ni < 300:
                    steps.append(ni)
            if ni in sample:
                rows.append({
                    "iteration": ni, "epoch": epoch, "accumulate": accumulate,
                    "lr": [float(x["lr"]) for x in opt.param_groups],
                    "momentum": [float(x["momentum"]) if "momentum" in x else float(x["betas"][0]) for x in opt.param_groups],
                })
    return nw, rows, steps


def recipe():
    model = DetectionModel("yolo11n.yaml", nc=80, verbose=False)  # scale n from the name, as ultralytics resolves it
    model.nc = 80  # DetectionTrainer.set_model_attributes sets it before the optimizer is built (auto's lr uses it)
    names = {id(p): n for n, p in model.named_parameters()}
    result = {"ultralytics": VERSION, "nc": model.nc, "defaults": {k: DEFAULTS[k] for k in (
        "lr0", "lrf", "momentum", "weight_decay", "warmup_epochs", "warmup_momentum", "warmup_bias_lr", "nbs",
        "box", "cls", "dfl", "optimizer", "cos_lr")}, "runs": []}

    runs = [
        # name, overrides, batch, dataset size, batches per epoch, sampled iterations
        ("sgd_linear", dict(optimizer="SGD", epochs=5), 16, 480, 30, [0, 1, 2, 17, 50, 99, 100, 101, 119, 120, 149]),
        ("auto_short_cosine", dict(optimizer="auto", epochs=4, cos_lr=True), 8, 400, 50, [0, 1, 75, 149, 150, 151, 199]),
        ("auto_long", dict(optimizer="auto", epochs=100, warmup_epochs=0.5), 64, 8000, 125, [0, 1, 62, 99, 100, 101, 124, 125, 250, 12499]),
        ("adamw_no_warmup", dict(optimizer="AdamW", lr0=0.002, epochs=3, warmup_epochs=0), 32, 96, 3, [0, 1, 2, 3, 8]),
        ("sgd_batch_24", dict(optimizer="SGD", epochs=2, warmup_epochs=1.5, lrf=0.1), 24, 240, 10, [0, 7, 33, 66, 99, 100, 101, 119]),
    ]
    for name, overrides, batch, size, nb, sample in runs:
        trainer = trainer_standin(**overrides)
        accumulate, decay, iterations = build(trainer, model, batch, size)
        opt = trainer.optimizer
        groups = [[names[id(p)] for p in g["params"]] for g in opt.param_groups]
        built = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items() if k != "params"} for g in opt.param_groups]
        nw, rows, steps = schedule(trainer, batch, nb, set(sample))
        run = {
            "name": name, "overrides": overrides, "batch": batch, "dataset_size": size, "batches_per_epoch": nb,
            "accumulate": accumulate, "weight_decay": decay, "iterations": iterations, "warmup_iterations": nw,
            "optimizer": type(opt).__name__,
            "groups": built,
            "warmup_bias_lr": trainer.args.warmup_bias_lr,
            "schedule": rows,
            "optimizer_steps_below_300": steps,
        }
        result["runs"].append(run)
        print(name, run["optimizer"], "accumulate", accumulate, "decay", decay, "iterations", iterations, "nw", nw)
    result["groups"] = {"biases": groups[0], "weights": groups[1], "norm_weights": groups[2]}
    print("groups", [len(g) for g in groups])
    return result


def main():
    torch.set_num_threads(1)
    tensors, cases = {}, {}
    for case in CASES:
        out, info = run_case(*case)
        tensors.update(out)
        cases[case[0]] = info
    tensors.update(box_ops())
    save(os.path.join(FIXTURES, "yolo_loss.safetensors"), tensors,
         {"ultralytics": VERSION, "cases": json.dumps(cases), "topk": TOPK, "reg_max": REG_MAX})
    with open(os.path.join(FIXTURES, "yolo_recipe.json"), "w") as f:
        json.dump(recipe(), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
