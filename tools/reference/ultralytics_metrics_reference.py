"""ultralytics' detection validator numbers, NMS and letterbox box scaling on fixed random inputs, for Osprey's
parity tests. Runs the official functions of an ultralytics 8.3.x tree: utils.metrics (box_iou, ap_per_class,
DetMetrics), utils.ops (non_max_suppression, scale_boxes) and the validator's match_predictions (read from
engine/validator.py and bound to an object carrying its IoU vector). The per-image loop that gathers the
statistics follows DetectionValidator.update_metrics / get_stats, with boxes already in image space.

Writes tests/fixtures/detection/ultralytics_metrics.json (argsort, matching and validator cases, scale_boxes) and
tests/fixtures/detection/ultralytics_nms.safetensors (non_max_suppression inputs and outputs).

Needs an ultralytics source tree (not part of Osprey) and Debian's python3-torch, -torchvision, -numpy, -yaml,
-matplotlib, -opencv, -psutil, -tqdm, -requests, -pil. Only its utils modules are imported (the package's __init__,
which pulls in every model and dataset, is skipped).
Usage: ULTRALYTICS=/path/to/tree-containing-ultralytics/ /usr/bin/python3 tools/reference/ultralytics_metrics_reference.py
"""
import ast
import json
import os
import re
import sys
import types

import numpy as np
import torch

ROOT = os.environ.get("ULTRALYTICS", "/tmp/ultra")
HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
from fixtures import FIXTURES, save  # noqa: E402

os.environ.setdefault("YOLO_OFFLINE", "1")
package = types.ModuleType("ultralytics")
package.__path__ = [os.path.join(ROOT, "ultralytics")]
with open(os.path.join(ROOT, "ultralytics", "__init__.py")) as f:
    package.__version__ = re.search(r'__version__ = "([^"]+)"', f.read()).group(1)
sys.modules["ultralytics"] = package
from ultralytics.utils import metrics, ops  # noqa: E402


def load_match_predictions():
    """BaseValidator.match_predictions, taken from the validator's source and bound to an object with iouv."""
    path = os.path.join(ROOT, "ultralytics", "engine", "validator.py")
    tree = ast.parse(open(path).read())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "BaseValidator")
    fn = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "match_predictions")
    scope = {"np": np, "torch": torch}
    exec(compile(ast.Module(body=[fn], type_ignores=[]), path, "exec"), scope)
    holder = types.SimpleNamespace(iouv=torch.linspace(0.5, 0.95, 10))
    return lambda pred_cls, true_cls, iou: scope["match_predictions"](holder, pred_cls, true_cls, iou)


match_predictions = load_match_predictions()


def f32(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def boxes(g, n, extent=320.0):
    xy = torch.rand(n, 2, generator=g) * extent
    wh = torch.rand(n, 2, generator=g) * 90 + 4
    return torch.cat((xy, xy + wh), 1)


def image_case(g, nc, n_gt, n_extra, offset=0.0, tie_scores=False, duplicate=False):
    """Ground truth and detections around it (jittered copies, wrong classes, background boxes), the detections
    moved by offset."""
    gt = boxes(g, n_gt)
    gt_cls = torch.randint(0, nc, (n_gt,), generator=g)
    preds, pred_cls = [], []
    for k in range(n_gt):
        for _ in range(int(torch.randint(0, 3, (1,), generator=g))):
            size = (gt[k, 2:] - gt[k, :2]).repeat(2)
            preds.append(gt[k] + torch.randn(4, generator=g) * 0.08 * size)
            wrong = torch.rand(1, generator=g).item() < 0.15
            pred_cls.append(int(torch.randint(0, nc, (1,), generator=g)) if wrong else int(gt_cls[k]))
    if n_extra:
        preds.extend(boxes(g, n_extra))
        pred_cls.extend(torch.randint(0, nc, (n_extra,), generator=g).tolist())
    if duplicate and preds:  # an exact duplicate: equal IoUs with every object
        preds.append(preds[0].clone())
        pred_cls.append(pred_cls[0])
    n = len(preds)
    pred = torch.stack(preds) if n else torch.zeros(0, 4)
    pred = torch.cat((pred[:, :2], torch.maximum(pred[:, 2:], pred[:, :2] + 1)), 1) + offset
    conf = torch.rand(n, generator=g)
    if tie_scores:
        conf = (conf * 20).round() / 20 + 0.01
    return dict(gt=gt, gt_cls=gt_cls, pred=pred, conf=conf, pred_cls=torch.tensor(pred_cls, dtype=torch.float32))


def validator_case(name, g, nc, images, tie_scores, curves=False):
    stats = dict(tp=[], conf=[], pred_cls=[], target_cls=[], target_img=[])
    out_images = []
    for spec in images:
        c = image_case(g, nc, *spec, tie_scores=tie_scores, duplicate=True)
        cls, bbox, pred = c["gt_cls"].float(), c["gt"], c["pred"]
        npr, nl = len(pred), len(cls)
        stat = dict(conf=torch.zeros(0), pred_cls=torch.zeros(0), tp=torch.zeros(npr, 10, dtype=torch.bool))
        stat["target_cls"], stat["target_img"] = cls, cls.unique()
        out_images.append(dict(gt=f32(bbox), gt_cls=c["gt_cls"].tolist(), pred=f32(pred), conf=f32(c["conf"]),
                               pred_cls=[int(v) for v in c["pred_cls"].tolist()]))
        if npr == 0:
            if nl:
                for k in stats:
                    stats[k].append(stat[k])
            continue
        stat["conf"], stat["pred_cls"] = c["conf"], c["pred_cls"]
        if nl:
            stat["tp"] = match_predictions(c["pred_cls"], cls, metrics.box_iou(bbox, pred))
            out_images[-1]["tp"] = stat["tp"].int().tolist()
        for k in stats:
            stats[k].append(stat[k])
    s = {k: torch.cat(v, 0).cpu().numpy() for k, v in stats.items()}
    names = {i: f"class{i}" for i in range(nc)}
    dm = metrics.DetMetrics(names=names)
    result = dict(name=name, nc=nc, images=out_images,
                  nt_per_class=np.bincount(s["target_cls"].astype(int), minlength=nc).tolist())
    s.pop("target_img")
    if len(s) and s["tp"].any():
        dm.process(**s)
        tp, fp, p, r, f1, ap, classes, p_curve, r_curve, f1_curve, x, _ = metrics.ap_per_class(
            s["tp"], s["conf"], s["pred_cls"], s["target_cls"])
        i = metrics.smooth(f1_curve.mean(0), 0.1).argmax()
        result.update(best_f1_index=int(i), f1_curve_mean=f1_curve.mean(0).tolist())
        if curves:
            result.update(p_curve=p_curve.tolist(), r_curve=r_curve.tolist())
    result.update(results=dict(zip(["precision", "recall", "map50", "map50_95", "fitness"],
                                   [float(v) for v in dm.mean_results() + [dm.fitness]])),
                  classes=[int(c) for c in dm.ap_class_index], p=[float(v) for v in dm.box.p],
                  r=[float(v) for v in dm.box.r], ap=[[float(v) for v in row] for row in np.asarray(dm.box.all_ap)],
                  maps=[float(v) for v in dm.maps])
    return result


def nms_cases(g):
    tensors, meta = {}, {}
    nc, anchors = 5, 600
    xy = torch.rand(2, 2, anchors, generator=g) * 400
    wh = torch.rand(2, 2, anchors, generator=g) * 80 + 2
    scores = torch.rand(2, nc, anchors, generator=g) ** 3
    scores[0, :, :40] = (scores[0, :, :40] * 4).round() / 4  # exact ties, across classes too
    scores[1, 3, :] *= 0.01  # image 1: class 3 never passes the threshold
    xy[0, :, 100:120] = xy[0, :, 80:100]  # identical boxes
    wh[0, :, 100:120] = wh[0, :, 80:100]
    prediction = torch.cat((xy, wh, scores), 1)
    tensors["prediction"] = prediction
    cases = dict(
        predict=dict(conf_thres=0.25, iou_thres=0.7),
        validate=dict(conf_thres=0.001, iou_thres=0.7, multi_label=True, max_det=300),
        agnostic=dict(conf_thres=0.25, iou_thres=0.45, agnostic=True),
        classes=dict(conf_thres=0.1, iou_thres=0.5, classes=[0, 2]),
        capped=dict(conf_thres=0.05, iou_thres=0.6, max_det=7, max_nms=50),
        single_label_low=dict(conf_thres=0.001, iou_thres=0.7, max_det=300),
        uncapped=dict(conf_thres=0.2, iou_thres=0.3, max_det=1000),
        uncapped_multi=dict(conf_thres=0.2, iou_thres=0.5, multi_label=True, max_det=1000),
    )
    for name, kwargs in cases.items():
        out = ops.non_max_suppression(prediction.clone(), **kwargs)
        for b, o in enumerate(out):
            tensors[f"{name}.{b}"] = o
        meta[name] = json.dumps(kwargs)
    save(os.path.join(FIXTURES, "detection", "ultralytics_nms.safetensors"), tensors, meta)


def scale_cases():
    cases = []
    b = torch.tensor([[10.0, 20.0, 300.0, 400.0], [-5.0, 100.5, 640.0, 641.0], [320.25, 0.0, 321.75, 639.5]])
    for img1, img0, ratio_pad in [((640, 640), (480, 640), None), ((640, 480), (1080, 810), None),
                                  ((384, 640), (375, 500), None), ((640, 640), (427, 640), ((1.0, 1.0), (0.0, 106.5))),
                                  ((512, 512), (333, 1000), ((0.512, 0.512), (0.0, 170.75)))]:
        out = ops.scale_boxes(img1, b.clone(), img0, ratio_pad=ratio_pad)
        cases.append(dict(img1=list(img1), img0=list(img0), ratio_pad=ratio_pad, boxes=f32(b), expected=f32(out)))
    return cases


def main():
    g = torch.Generator().manual_seed(83)
    rng = np.random.default_rng(5)
    argsort = []
    for n in [5, 16, 17, 40, 300, 3000]:
        values = (rng.integers(0, max(2, n // 6), n) / 8).astype(np.float32)
        argsort.append(dict(values=[float(v) for v in values], indices=np.argsort(values).tolist()))

    matching = []
    for spec in [(4, 2, False), (6, 0, True), (1, 3, False), (8, 6, True)]:
        c = image_case(g, 3, spec[0], spec[1], duplicate=spec[2])
        iou = metrics.box_iou(c["gt"], c["pred"])
        correct = match_predictions(c["pred_cls"], c["gt_cls"].float(), iou)
        matching.append(dict(gt=f32(c["gt"]), gt_cls=c["gt_cls"].tolist(), pred=f32(c["pred"]),
                             pred_cls=[int(v) for v in c["pred_cls"].tolist()], iou=f32(iou), correct=correct.int().tolist()))

    validator = [
        validator_case("four_classes", g, 4, [(5, 3), (0, 4), (7, 2), (3, 0), (0, 0), (6, 5), (2, 1)], False, True),
        validator_case("ties", g, 3, [(4, 6), (6, 2), (5, 5), (0, 3), (8, 4)], True),
        validator_case("missing_class", g, 6, [(3, 1), (4, 2), (2, 2)], False),  # classes without labels or predictions
        validator_case("no_true_positive", g, 2, [(0, 3), (2, 2, 1000.0)], False),
    ]
    with open(os.path.join(FIXTURES, "detection", "ultralytics_metrics.json"), "w") as f:
        json.dump(dict(version=package.__version__, iouv=f32(torch.linspace(0.5, 0.95, 10)), argsort=argsort,
                       matching=matching, validator=validator, scale_boxes=scale_cases()), f, separators=(",", ":"))
    nms_cases(g)
    for v in validator:
        print(v["name"], v["results"], v["nt_per_class"])


if __name__ == "__main__":
    main()
