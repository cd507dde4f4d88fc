"""Reference PyTorch YOLO11 models (plain Detect, Detect_SEAM, Detect_MultiSEAM) with ultralytics' state-dict names.

Written from the ultralytics module definitions (Conv, Bottleneck, C2f, C3k, C3k2, SPPF, Attention, PSABlock, C2PSA,
DFL, Detect) and YOLO-FaceV2 (Residual, SEAM, DcovN, MultiSEAM, Detect_SEAM, Detect_MultiSEAM); the model is built from
Osprey's shipped YAML files by a parse_model that binds arguments and channels as ultralytics does.

For yolo11n and yolo11n-multiseam: random weights (BN statistics too), an input of 2x3x256x256, the eval-mode
decoded output (boxes xywh in pixels, class scores) and the train-mode raw maps, saved as <out>/<name>.safetensors.
`--counts` instead of OUT_DIR prints the layer/parameter/gradient counts of every registered name.

Usage: /usr/bin/python3 tools/reference/yolo_reference.py OUT_DIR | --counts
"""
import copy
import math
import os
import sys

import torch
import torch.nn as nn
import yaml

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import save  # noqa: E402

CONFIGS = os.path.join(os.path.dirname(__file__), "..", "..", "src", "Osprey", "Models", "Detection", "Yolo", "Configs")


def pad_for(k, p=None):
    return k // 2 if p is None else p


class Conv(nn.Module):
    shared_act = nn.SiLU()  # one activation object for every Conv, as ultralytics' class attribute

    def __init__(self, c1, c2, k=1, s=1, p=None, g=1, d=1, act=True):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, pad_for(k, p), groups=g, dilation=d, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.act = Conv.shared_act if act is True else nn.Identity()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


def DWConv(c1, c2, k=1, s=1, d=1, act=True):
    return Conv(c1, c2, k, s, g=math.gcd(c1, c2), d=d, act=act)


class Bottleneck(nn.Module):
    def __init__(self, c1, c2, shortcut=True, g=1, k=(3, 3), e=0.5):
        super().__init__()
        hidden = int(c2 * e)
        self.cv1 = Conv(c1, hidden, k[0], 1)
        self.cv2 = Conv(hidden, c2, k[1], 1, g=g)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=False, g=1, e=0.5):
        super().__init__()
        self.c = int(c2 * e)
        self.cv1 = Conv(c1, 2 * self.c, 1, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, self.c, shortcut, g, k=(3, 3), e=1.0) for _ in range(n))

    def forward(self, x):
        parts = list(self.cv1(x).chunk(2, 1))
        for m in self.m:
            parts.append(m(parts[-1]))
        return self.cv2(torch.cat(parts, 1))


class C3k(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=True, g=1, e=0.5, k=3):
        super().__init__()
        hidden = int(c2 * e)
        self.cv1 = Conv(c1, hidden, 1, 1)
        self.cv2 = Conv(c1, hidden, 1, 1)
        self.cv3 = Conv(2 * hidden, c2, 1)
        # C3 first builds its (1, 3) bottlenecks, then C3k replaces them with (k, k) ones.
        self.m = nn.Sequential(*(Bottleneck(hidden, hidden, shortcut, g, k=(1, 3), e=1.0) for _ in range(n)))
        self.m = nn.Sequential(*(Bottleneck(hidden, hidden, shortcut, g, k=(k, k), e=1.0) for _ in range(n)))

    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class C3k2(C2f):
    def __init__(self, c1, c2, n=1, c3k=False, e=0.5, g=1, shortcut=True):
        super().__init__(c1, c2, n, shortcut, g, e)
        self.m = nn.ModuleList(C3k(self.c, self.c, 2, shortcut, g) if c3k else Bottleneck(self.c, self.c, shortcut, g)
                               for _ in range(n))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        hidden = c1 // 2
        self.cv1 = Conv(c1, hidden, 1, 1)
        self.cv2 = Conv(hidden * 4, c2, 1, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        ys = [self.cv1(x)]
        for _ in range(3):
            ys.append(self.m(ys[-1]))
        return self.cv2(torch.cat(ys, 1))


class Attention(nn.Module):
    def __init__(self, dim, num_heads=8, attn_ratio=0.5):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.key_dim = int(self.head_dim * attn_ratio)
        self.scale = self.key_dim ** -0.5
        self.qkv = Conv(dim, dim + 2 * self.key_dim * num_heads, 1, act=False)
        self.proj = Conv(dim, dim, 1, act=False)
        self.pe = Conv(dim, dim, 3, 1, g=dim, act=False)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(x).view(b, self.num_heads, 2 * self.key_dim + self.head_dim, h * w).split(
            [self.key_dim, self.key_dim, self.head_dim], dim=2)
        attn = ((q.transpose(-2, -1) @ k) * self.scale).softmax(dim=-1)
        y = (v @ attn.transpose(-2, -1)).view(b, c, h, w) + self.pe(v.reshape(b, c, h, w))
        return self.proj(y)


class PSABlock(nn.Module):
    def __init__(self, c, attn_ratio=0.5, num_heads=4, shortcut=True):
        super().__init__()
        self.attn = Attention(c, attn_ratio=attn_ratio, num_heads=num_heads)
        self.ffn = nn.Sequential(Conv(c, c * 2, 1), Conv(c * 2, c, 1, act=False))
        self.add = shortcut

    def forward(self, x):
        x = x + self.attn(x) if self.add else self.attn(x)
        return x + self.ffn(x) if self.add else self.ffn(x)


class C2PSA(nn.Module):
    def __init__(self, c1, c2, n=1, e=0.5):
        super().__init__()
        assert c1 == c2
        self.c = int(c1 * e)
        self.cv1 = Conv(c1, 2 * self.c, 1, 1)
        self.cv2 = Conv(2 * self.c, c1, 1)
        self.m = nn.Sequential(*(PSABlock(self.c, attn_ratio=0.5, num_heads=self.c // 64) for _ in range(n)))

    def forward(self, x):
        a, b = self.cv1(x).split((self.c, self.c), dim=1)
        return self.cv2(torch.cat((a, self.m(b)), 1))


class Concat(nn.Module):
    def __init__(self, dimension=1):
        super().__init__()
        self.d = dimension

    def forward(self, x):
        return torch.cat(x, self.d)


class DFL(nn.Module):
    def __init__(self, c1=16):
        super().__init__()
        self.conv = nn.Conv2d(c1, 1, 1, bias=False).requires_grad_(False)
        self.conv.weight.data[:] = torch.arange(c1, dtype=torch.float).view(1, c1, 1, 1)
        self.c1 = c1

    def forward(self, x):
        b, _, a = x.shape
        return self.conv(x.view(b, 4, self.c1, a).transpose(2, 1).softmax(1)).view(b, 4, a)


class Residual(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x) + x


class SEAM(nn.Module):
    def __init__(self, c1, c2, n, reduction=16):
        super().__init__()
        c2 = c1
        self.DCovN = nn.Sequential(*[nn.Sequential(
            Residual(nn.Sequential(nn.Conv2d(c2, c2, 3, 1, 1, groups=c2), nn.GELU(), nn.BatchNorm2d(c2))),
            nn.Conv2d(c2, c2, 1, 1, 0), nn.GELU(), nn.BatchNorm2d(c2)) for _ in range(n)])
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(nn.Linear(c2, c2 // reduction, bias=False), nn.ReLU(inplace=True),
                                nn.Linear(c2 // reduction, c2, bias=False), nn.Sigmoid())
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight, gain=1)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        # The seed then re-initializes self.fc, but only if it is a Conv2d or Linear: a Sequential is neither.

    def forward(self, x):
        b, c = x.shape[:2]
        y = self.fc(self.avg_pool(self.DCovN(x)).view(b, c)).view(b, c, 1, 1)
        return x * torch.exp(y).expand_as(x)


def DcovN(c1, c2, depth, kernel_size=3, patch_size=3):
    return nn.Sequential(
        nn.Conv2d(c1, c2, kernel_size=patch_size, stride=patch_size), nn.SiLU(), nn.BatchNorm2d(c2),
        *[nn.Sequential(
            Residual(nn.Sequential(nn.Conv2d(c2, c2, kernel_size, 1, 1, groups=c2), nn.SiLU(), nn.BatchNorm2d(c2))),
            nn.Conv2d(c2, c2, 1, 1, 0), nn.SiLU(), nn.BatchNorm2d(c2)) for _ in range(depth)])


class MultiSEAM(nn.Module):
    def __init__(self, c1, c2, depth, kernel_size=3, patch_size=(3, 5, 7), reduction=16):
        super().__init__()
        c2 = c1
        self.DCovN0 = DcovN(c1, c2, depth, kernel_size, patch_size[0])
        self.DCovN1 = DcovN(c1, c2, depth, kernel_size, patch_size[1])
        self.DCovN2 = DcovN(c1, c2, depth, kernel_size, patch_size[2])
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(nn.Linear(c2, c2 // reduction, bias=False), nn.ReLU(inplace=True),
                                nn.Linear(c2 // reduction, c2, bias=False), nn.Sigmoid())

    def forward(self, x):
        b, c = x.shape[:2]
        pooled = [self.avg_pool(t).view(b, c) for t in (self.DCovN0(x), self.DCovN1(x), self.DCovN2(x), x)]
        y = self.fc((pooled[0] + pooled[1] + pooled[2] + pooled[3]) / 4).view(b, c, 1, 1)
        return x * torch.exp(y).expand_as(x)


def make_anchors(feats, strides, offset=0.5):
    points, stride_rows = [], []
    for f, s in zip(feats, strides):
        h, w = f.shape[2:]
        sy, sx = torch.meshgrid(torch.arange(h, dtype=f.dtype) + offset, torch.arange(w, dtype=f.dtype) + offset,
                                indexing="ij")
        points.append(torch.stack((sx, sy), -1).view(-1, 2))
        stride_rows.append(torch.full((h * w, 1), float(s), dtype=f.dtype))
    return torch.cat(points), torch.cat(stride_rows)


class HeadBase(nn.Module):
    def setup(self, nc, ch):
        self.nc, self.nl, self.reg_max = nc, len(ch), 16
        self.no = nc + 4 * self.reg_max
        self.stride = torch.zeros(self.nl)
        return max(16, ch[0] // 4, 4 * self.reg_max), max(ch[0], min(nc, 100))

    def forward(self, x):
        x = [torch.cat((self.cv2[i](x[i]), self.cv3[i](x[i])), 1) for i in range(self.nl)]
        if self.training:
            return x
        b = x[0].shape[0]
        anchors, strides = (t.transpose(0, 1) for t in make_anchors(x, self.stride))
        box, cls = torch.cat([xi.view(b, self.no, -1) for xi in x], 2).split((4 * self.reg_max, self.nc), 1)
        lt, rb = self.dfl(box).chunk(2, 1)
        a = anchors.unsqueeze(0)
        x1y1, x2y2 = a - lt, a + rb
        dbox = torch.cat(((x1y1 + x2y2) / 2, x2y2 - x1y1), 1) * strides
        return torch.cat((dbox, cls.sigmoid()), 1), x

    def bias_init(self):
        for a, b, s in zip(self.cv2, self.cv3, self.stride):
            a[-1].bias.data[:] = 1.0
            b[-1].bias.data[:self.nc] = math.log(5 / self.nc / (640 / s) ** 2)


class Detect(HeadBase):
    def __init__(self, nc=80, ch=()):
        super().__init__()
        c2, c3 = self.setup(nc, ch)
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 4 * self.reg_max, 1))
                                 for x in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(nn.Sequential(DWConv(x, x, 3), Conv(x, c3, 1)),
                                               nn.Sequential(DWConv(c3, c3, 3), Conv(c3, c3, 1)),
                                               nn.Conv2d(c3, nc, 1)) for x in ch)
        self.dfl = DFL(self.reg_max)


class Detect_SEAM(HeadBase):
    def __init__(self, nc=80, ch=()):
        super().__init__()
        c2, c3 = self.setup(nc, ch)
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), SEAM(c2, c2, 1, 16), nn.Conv2d(c2, 4 * self.reg_max, 1))
                                 for x in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), SEAM(c3, c3, 1, 16), nn.Conv2d(c3, nc, 1)) for x in ch)
        self.dfl = DFL(self.reg_max)


class Detect_MultiSEAM(Detect_SEAM):
    def __init__(self, nc=80, ch=()):
        super().__init__(nc, ch)
        c2, c3 = self.setup(nc, ch)
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), MultiSEAM(c2, c2, 1), nn.Conv2d(c2, 4 * self.reg_max, 1))
                                 for x in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), MultiSEAM(c3, c3, 1), nn.Conv2d(c3, nc, 1)) for x in ch)
        self.dfl = DFL(self.reg_max)


SCALED = {Conv, C3k2, SPPF, C2PSA}
REPEATS_IN_ARGS = {C3k2, C2PSA}
HEADS = {Detect, Detect_SEAM, Detect_MultiSEAM}


def make_divisible(x, divisor=8):
    return math.ceil(x / divisor) * divisor


def parse_model(d, scale, nc):
    depth, width, max_channels = d["scales"][scale]
    ch, layers, save_ids = [3], [], []
    for i, (f, n, name, args) in enumerate(d["backbone"] + d["head"]):
        m = getattr(nn, name[3:]) if name.startswith("nn.") else globals()[name]
        args = [nc if a == "nc" else None if a == "None" else a for a in args]
        n = max(round(n * depth), 1) if n > 1 else n
        if m in SCALED:
            c1, c2 = ch[f], args[0]
            if c2 != nc:
                c2 = make_divisible(min(c2, max_channels) * width, 8)
            args = [c1, c2, *args[1:]]
            if m in REPEATS_IN_ARGS:
                args.insert(2, n)
                n = 1
            if m is C3k2 and scale in "mlx":
                args[3] = True
        elif m is Concat:
            c2 = sum(ch[x] for x in f)
        elif m in HEADS:
            args.append([ch[x] for x in f])
        else:
            c2 = ch[f]
        module = nn.Sequential(*(m(*args) for _ in range(n))) if n > 1 else m(*args)
        module.f = f
        save_ids.extend(x % i for x in ([f] if isinstance(f, int) else f) if x != -1)
        layers.append(module)
        if i == 0:
            ch = []
        ch.append(c2)
    return nn.Sequential(*layers), sorted(save_ids)


class DetectionModel(nn.Module):
    def __init__(self, config, scale, nc=80):
        super().__init__()
        with open(os.path.join(CONFIGS, config)) as fh:
            d = yaml.safe_load(fh)
        self.model, self.save = parse_model(d, scale, nc)
        head = self.model[-1]
        # As ultralytics 8.3: strides from a 256x256 forward with every module in eval mode but the head (raw maps).
        self.eval()
        head.training = True
        head.stride = torch.tensor([256 / x.shape[-2] for x in self.forward(torch.zeros(1, 3, 256, 256))])
        self.train()
        head.bias_init()
        for m in self.modules():
            if type(m) is nn.BatchNorm2d:
                m.eps, m.momentum = 1e-3, 0.03

    def forward(self, x):
        outputs = []
        for m in self.model:
            if m.f != -1:
                x = outputs[m.f] if isinstance(m.f, int) else [x if j == -1 else outputs[j] for j in m.f]
            x = m(x)
            outputs.append(x if len(outputs) in self.save else None)
        return x


def randomize(model, gen):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("dfl.conv.weight"):
                continue
            p.copy_(torch.randn(p.shape, generator=gen) * (0.5 / math.sqrt(max(1, p[0].numel())) if p.dim() > 1 else 0.1)
                    + (1.0 if name.endswith("bn.weight") else 0.0))
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) * 0.5 + 0.75)


def case(out_dir, name, config, scale):
    torch.manual_seed(0)
    model = DetectionModel(config, scale)
    gen = torch.Generator().manual_seed(1)
    randomize(model, gen)
    x = torch.rand(2, 3, 256, 256, generator=gen)
    tensors = {"state." + k: v.clone() for k, v in model.state_dict().items()}  # the train forward updates the live ones
    # An ultralytics-style checkpoint: the whole module pickled (our classes stand in for ultralytics'), fp16, under "ema".
    torch.save({"epoch": -1, "best_fitness": None, "model": None, "ema": copy.deepcopy(model).half(), "updates": 0,
                "optimizer": None, "train_args": {"model": name + ".yaml", "imgsz": 256}, "date": "2026-11-22"},
               os.path.join(out_dir, name + ".pt"))
    tensors["input"] = x
    model.eval()
    with torch.no_grad():
        y, raw = model(x)
        tensors["eval"] = y
        for i, level in enumerate(raw):
            tensors[f"eval_raw{i}"] = level
        model.train()
        for i, raw in enumerate(model(x)):
            tensors[f"train{i}"] = raw
    save(os.path.join(out_dir, name + ".safetensors"), tensors)


def print_counts():
    """Development aid (--counts): layers, parameters and gradients of every registered name."""
    for config, suffix in (("yolo11.yaml", ""), ("yolo11-seam.yaml", "-seam"), ("yolo11-multiseam.yaml", "-multiseam")):
        for scale in "nsmlx":
            model = DetectionModel(config, scale)
            params = sum(p.numel() for p in model.parameters())
            grads = sum(p.numel() for p in model.parameters() if p.requires_grad)
            print(f"yolo11{scale}{suffix}: {len(list(model.modules()))} layers, {params} parameters, {grads} gradients")


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(2)
    case(out_dir, "yolo11n", "yolo11.yaml", "n")
    case(out_dir, "yolo11n-multiseam", "yolo11-multiseam.yaml", "n")


if __name__ == "__main__":
    print_counts() if sys.argv[1] == "--counts" else main(sys.argv[1])
