"""pycocotools' COCOeval (bbox) on randomized ground truth and detections, for Osprey's CocoEvaluator parity test.

Each set has images without annotations (some with detections), crowd regions, objects in all three area ranges
(the `area` field differs from the box area, as COCO's segment areas do, and some sit exactly on the 32^2 / 96^2
bounds), a category without annotations, an image with more than 100 detections and scores rounded so that exact
ties occur. Written per set: the inputs, the 12 summary statistics and per category the AP (IoU .50:.95), AP50, AP75
and AR100 over all areas, from COCOeval's precision / recall arrays (-1 where COCOeval has no value).

Writes tests/fixtures/detection/coco_eval.json.

Needs the official cocoapi (not part of Osprey), built in place with Debian's cython3, python3-numpy, python3-dev:
    cd /tmp/cocoapi/PythonAPI && /usr/bin/python3 setup.py build_ext --inplace
Usage: COCOAPI=/tmp/cocoapi/PythonAPI /usr/bin/python3 tools/reference/coco_eval_reference.py
"""
import contextlib
import io
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.environ.get("COCOAPI", "/tmp/cocoapi/PythonAPI"))
if not hasattr(np, "float"):
    np.float = float  # pycocotools' accumulate still spells the float64 alias numpy 1.24 removed
from pycocotools.coco import COCO  # noqa: E402
from pycocotools.cocoeval import COCOeval  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "detection", "coco_eval.json")


def r2(x):
    return round(float(x), 2)


def make_set(rng, name, n_images, crowd_rate, crowded_image=True, jitter=0.12):
    image_ids = sorted(rng.choice(np.arange(1, 1000), n_images, replace=False).tolist())
    categories = [1, 3, 7, 12]
    annotations, detections = [], []
    for index, image in enumerate(image_ids):
        if index % 7 == 3:
            if index % 2:  # background image with a few false positives
                for _ in range(rng.integers(1, 4)):
                    x, y, w, h = rng.uniform(0, 300), rng.uniform(0, 300), rng.uniform(5, 120), rng.uniform(5, 120)
                    detections.append(dict(image_id=image, category_id=int(rng.choice(categories)),
                                           bbox=[r2(x), r2(y), r2(w), r2(h)], score=r2(rng.uniform(0.05, 1))))
            continue
        for _ in range(rng.integers(1, 9)):
            side = rng.choice([rng.uniform(4, 30), rng.uniform(33, 95), rng.uniform(100, 300)])
            w, h = side * rng.uniform(0.6, 1.4), side * rng.uniform(0.6, 1.4)
            x, y = rng.uniform(0, 400), rng.uniform(0, 400)
            crowd = int(rng.uniform() < crowd_rate)
            area = w * h * rng.uniform(0.55, 1.0)
            bound = rng.uniform()
            if bound < 0.05:
                area = 32.0 ** 2
            elif bound < 0.1:
                area = 96.0 ** 2
            category = int(rng.choice(categories[:3]))  # category 12 never has ground truth
            annotations.append(dict(id=len(annotations) + 1, image_id=image, category_id=category,
                                    bbox=[r2(x), r2(y), r2(w), r2(h)], area=r2(area) if bound >= 0.1 else area,
                                    iscrowd=crowd))
            for _ in range(rng.integers(0, 4)):  # detections near the object, some with the wrong class
                shift = rng.normal(0, jitter, 4) * np.array([w, h, w, h])
                cat = category if rng.uniform() < 0.85 else int(rng.choice(categories))
                detections.append(dict(image_id=image, category_id=cat,
                                       bbox=[r2(x + shift[0]), r2(y + shift[1]), r2(max(1, w + shift[2])),
                                             r2(max(1, h + shift[3]))], score=r2(rng.uniform(0.05, 1))))
        if rng.uniform() < 0.5:  # an exact duplicate of the last detection: same box, same score
            detections.append(dict(detections[-1]))
    if crowded_image:  # more than 100 detections on one image (maxDets 100 truncates)
        image = image_ids[0]
        for _ in range(140):
            x, y, w, h = rng.uniform(0, 400), rng.uniform(0, 400), rng.uniform(3, 150), rng.uniform(3, 150)
            detections.append(dict(image_id=image, category_id=int(rng.choice(categories[:2])),
                                   bbox=[r2(x), r2(y), r2(w), r2(h)], score=round(float(rng.uniform(0, 1)), 1)))
    order = rng.permutation(len(detections))
    detections = [detections[i] for i in order]
    return dict(name=name, images=image_ids, categories=categories, annotations=annotations, detections=detections)


def evaluate(case):
    dataset = dict(images=[dict(id=i) for i in case["images"]], categories=[dict(id=c) for c in case["categories"]],
                   annotations=[dict(a) for a in case["annotations"]])
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = dataset
        gt.createIndex()
        dt = gt.loadRes([dict(d) for d in case["detections"]])
        E = COCOeval(gt, dt, "bbox")
        E.evaluate()
        E.accumulate()
        E.summarize()
    precision, recall = E.eval["precision"], E.eval["recall"]  # [T, R, K, A, M], [T, K, A, M]

    def mean(s):
        s = s[s > -1]
        return float(np.mean(s)) if len(s) else -1.0

    per_category = {}
    for k, cat in enumerate(E.params.catIds):
        per_category[str(cat)] = dict(ap=mean(precision[:, :, k, 0, 2]), ap50=mean(precision[0, :, k, 0, 2]),
                                      ap75=mean(precision[5, :, k, 0, 2]), ar100=mean(recall[:, k, 0, 2]))
    case["stats"] = [float(s) for s in E.stats]
    case["per_category"] = per_category
    return case


def main():
    rng = np.random.default_rng(7)
    sets = [make_set(rng, "mixed", 24, 0.1), make_set(rng, "crowded", 16, 0.3), make_set(rng, "sparse", 30, 0.05),
            make_set(rng, "no_crowd_no_flood", 12, 0.0, crowded_image=False),
            make_set(rng, "accurate", 20, 0.1, jitter=0.03)]
    with open(OUT, "w") as f:
        json.dump(dict(sets=[evaluate(s) for s in sets]), f, separators=(",", ":"))
    for s in sets:
        print(s["name"], len(s["annotations"]), len(s["detections"]), np.round(s["stats"], 4).tolist())


if __name__ == "__main__":
    main()
