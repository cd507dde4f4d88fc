"""Copies scenes (JPEG images + palette PNG masks) at half their size: images box-filtered, masks nearest-neighbour
with their palette kept. Usage: half_size_scenes.py <images in> <masks in> <images out> <masks out> <stem>..."""
import os
import sys

from PIL import Image

images_in, masks_in, images_out, masks_out, *stems = sys.argv[1:]
for stem in stems:
    with Image.open(os.path.join(images_in, stem + ".jpg")) as image:
        half = image.convert("RGB").reduce(2)
        half.save(os.path.join(images_out, stem + ".png"))
    with Image.open(os.path.join(masks_in, stem + ".png")) as mask:
        assert mask.mode == "P", f"{stem}.png: expected a palette mask, got mode {mask.mode}"
        mask.resize(half.size, Image.NEAREST).save(os.path.join(masks_out, stem + ".png"))
