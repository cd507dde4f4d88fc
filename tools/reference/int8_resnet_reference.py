"""Int8 post-training quantization of a small ResNet-18 in PyTorch's FX flow, the reference of Osprey's Int8ResNet.

A width-8 ResNet-18 (BasicBlocks, 7x7 stem and max-pool, torchvision's state-dict names) with random weights and random
BatchNorm statistics, quantized with min/max activation observers and per-channel symmetric qint8 weights on the onednn
engine, the final linear layer left in float (as Osprey runs it); calibrated on 3 random batches. Saves the weights,
torch.fx's conv+BN folded weights (what the quantized convolutions start from, so a test can compare quantization
alone), the batches, a test input and the float and int8 logits to OUT_DIR/int8_resnet.safetensors.

Usage: /usr/bin/python3 tools/reference/int8_resnet_reference.py OUT_DIR
"""
import copy
import os
import sys

import torch
import torch.nn as nn
from torch.fx.experimental.optimization import fuse
from torch.ao.quantization import QConfig, get_default_qconfig_mapping
from torch.ao.quantization.observer import HistogramObserver, MinMaxObserver, PerChannelMinMaxObserver
from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import save  # noqa: E402

WIDTH, CLASSES, SIZE = 8, 10, 64


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, WIDTH, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(WIDTH)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = WIDTH
        for s in range(4):
            cout = WIDTH << s
            stride = 1 if s == 0 else 2
            setattr(self, f"layer{s + 1}", nn.Sequential(Block(cin, cout, stride), Block(cout, cout, 1)))
            cin = cout
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, CLASSES)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def min_max_mapping(qconfig):
    """onednn's default mapping with every HistogramObserver entry replaced by qconfig (set_global alone leaves the
    per-module-type entries), keeping the fixed ranges of sigmoid and friends and the reuse-input entries."""
    mapping = get_default_qconfig_mapping("onednn").set_global(qconfig)
    for kind, entry in list(mapping.object_type_qconfigs.items()):
        if entry is not None and isinstance(entry.activation(), HistogramObserver):
            mapping.set_object_type(kind, qconfig)
    return mapping


def main(out):
    torch.manual_seed(0)
    model = ResNet18().eval()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
    calibration = [torch.randn(4, 3, SIZE, SIZE) for _ in range(3)]
    test = torch.randn(8, 3, SIZE, SIZE)
    torch.backends.quantized.engine = "onednn"
    qconfig = QConfig(activation=MinMaxObserver.with_args(dtype=torch.quint8),
                      weight=PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric))
    mapping = min_max_mapping(qconfig).set_module_name("fc", None)
    prepared = prepare_fx(copy.deepcopy(model), mapping, example_inputs=(test,))
    with torch.no_grad():
        for batch in calibration:
            prepared(batch)
        quantized = convert_fx(prepared)
        tensors = {f"weights.{k}": v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
        tensors.update({f"folded.{k}": v for k, v in fuse(copy.deepcopy(model)).state_dict().items() if ".bn" not in k})
        tensors.update({f"calibration.{i}": b for i, b in enumerate(calibration)})
        tensors.update({"input": test, "float": model(test), "int8": quantized(test)})
    save(os.path.join(out, "int8_resnet.safetensors"), tensors)


if __name__ == "__main__":
    main(sys.argv[1])
