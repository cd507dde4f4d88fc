"""Reference for Osprey's RandomGaussianBlur: OpenCV's GaussianBlur with a 5x5 window and sigma 0 (OpenCV derives
sigma = 0.3 ((k - 1) / 2 - 1) + 0.8 = 1.1) and its default border (BORDER_REFLECT_101), as the PSPNet authors'
RandomGaussianBlur calls it, on a float32 image (OpenCV's uint8 path rounds in fixed point).

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
save(os.path.join(FIXTURES, "segmentation_transforms.safetensors"), {
    "blur_input": torch.from_numpy(image).permute(2, 0, 1).contiguous(),
    "blur_5x5": torch.from_numpy(blurred).permute(2, 0, 1).contiguous(),
})
print("wrote blur fixture")
