"""Writes a COCO subset of a COCO dataset: the first N images of a split (by id) with their annotations, as
<out>/annotations/instances_<name>.json, and links <out>/<name> to the split's image folder.
Usage: detr_subset.py <dataset root> <split> <count> <out> <name> [<name> ...]
Each name gets the same subset (DETR's overfitting recipe trains on a set and validates on the same images)."""
import json
import os
import sys


def main():
    root, split, count, out, names = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
    with open(os.path.join(root, "annotations", f"instances_{split}.json")) as f:
        coco = json.load(f)
    images = sorted(coco["images"], key=lambda i: i["id"])[:count]
    if len(images) < count:
        sys.exit(f"{root}: split {split} has {len(images)} images, fewer than {count}")
    ids = {i["id"] for i in images}
    subset = {"images": images, "annotations": [a for a in coco["annotations"] if a["image_id"] in ids],
              "categories": coco["categories"]}
    os.makedirs(os.path.join(out, "annotations"), exist_ok=True)
    source = os.path.abspath(os.path.join(root, "images", split))
    for name in names:
        path = os.path.join(out, "annotations", f"instances_{name}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(subset, f)
        os.replace(path + ".tmp", path)
        link = os.path.join(out, name)
        if os.path.islink(link):
            os.remove(link)
        os.symlink(source, link)
    print(f"{out}: {len(images)} images, {len(subset['annotations'])} objects as {', '.join(names)}")


main()
