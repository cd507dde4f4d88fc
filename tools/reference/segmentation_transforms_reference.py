"""References for Osprey's segmentation augmentations from OpenCV, as the PSPNet authors' transforms call it:
- RandomGaussianBlur: cv2.GaussianBlur with a 5x5 window and sigma 0 (OpenCV then uses its fixed [1 4 6 4 1] / 16
  taps) and its default border (BORDER_REFLECT_101), on a float32 image (the uint8 path rounds in fixed point).
- RandomRotation: cv2.warpAffine with getRotationMatrix2D about the pixel-centre image centre ((w - 1) / 2,
  (h - 1) / 2; the authors' code uses (w / 2, h / 2), half a pixel off), INTER_LINEAR with a constant border colour
  for the image, INTER_NEAREST with border 255 for the label.

Needs OpenCV for Python (Debian's python3-opencv) only to regenerate the fixture.
Writes tests/fixtures/segmentation_transforms.safetensors.
Usage: /usr/bin/python3 tools/reference/segmentation_transforms_reference.py
"""
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import FIXTURES, save  # noqa: E402

rng = np.random.default_rng(0)
image = (rng.random((13, 17, 3)) * 255).astype(np.float32)  # HWC as OpenCV holds it
blurred = cv2.GaussianBlur(image, (5, 5), 0)

# A smooth image (OpenCV quantizes warp coordinates to 1/32 pixel) and a block label.
h, w = 31, 40
yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
smooth = np.stack([100 + 80 * np.sin(xx / 6), 120 + 60 * np.cos(yy / 5), 90 + 2 * xx + yy], -1).astype(np.float32)
label = ((yy // 8) * 5 + xx // 8).astype(np.uint8) % 7
fill = (124.0, 116.0, 104.0)
rotated = {}
for angle in (7.5, -10.0):
    m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1)
    rotated[f"rotate_{angle}_image"] = torch.from_numpy(cv2.warpAffine(
        smooth, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)).permute(2, 0, 1).contiguous()
    rotated[f"rotate_{angle}_label"] = torch.from_numpy(cv2.warpAffine(
        label, m, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=255))
save(os.path.join(FIXTURES, "segmentation_transforms.safetensors"), {
    "blur_input": torch.from_numpy(image).permute(2, 0, 1).contiguous(),
    "blur_5x5": torch.from_numpy(blurred).permute(2, 0, 1).contiguous(),
    "rotate_image": torch.from_numpy(smooth).permute(2, 0, 1).contiguous(),
    "rotate_label": torch.from_numpy(label),
    **rotated,
})
print("wrote blur and rotation fixtures")
