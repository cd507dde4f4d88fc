"""A second ONNX reference: Debian's torch 1.13.1 torch.onnx.export of Osprey's weights.

Loads the state dict Osprey wrote (osprey export --format torch) strictly into the reference architecture
(torchvision ResNet, yolo_reference.DetectionModel; see bench/inference_torch.py's build), puts it in eval mode and
exports it with torch.onnx.export at opset 17, input 'images', outputs named as Osprey writes them ('logits' for a
classifier, 'output0' = the decoded (N, 4 + classes, A) for YOLO).

Usage: /usr/bin/python3 tools/reference/torch_onnx_reference.py FAMILY CLASSES IMGSZ WEIGHTS.pt OUT.onnx
"""
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(__file__))


class FirstOutput(torch.nn.Module):
    """ultralytics' eval-mode head returns (decoded, raw maps); the export keeps the decoded tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        y = self.model(x)
        return y[0] if isinstance(y, (tuple, list)) else y


def build(family, classes):
    if family.startswith("resnet"):
        return getattr(torchvision.models, family)(num_classes=classes), "logits"
    if family.startswith("yolo11"):
        import yolo_reference as yr
        config = {"": "yolo11.yaml", "-seam": "yolo11-seam.yaml", "-multiseam": "yolo11-multiseam.yaml"}[family[7:]]
        return yr.DetectionModel(config, family[6], nc=classes), "output0"
    raise SystemExit(f"unknown family {family}")


def main(family, classes, size, weights, out):
    torch.manual_seed(0)
    model, output = build(family, int(classes))
    model.load_state_dict(torch.load(weights), strict=True)
    model.eval()
    x = torch.randn(1, 3, int(size), int(size))
    tmp = out + ".tmp"
    with torch.no_grad():
        torch.onnx.export(FirstOutput(model), (x,), tmp, opset_version=17, input_names=["images"], output_names=[output])
    os.replace(tmp, out)


if __name__ == "__main__":
    main(*sys.argv[1:])
