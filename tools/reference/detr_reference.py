"""Reference DETR-R50 (Carion et al., 2020) in PyTorch, written from the paper and the facts of the official
code (facebookresearch/detr), with the official state-dict names, for Osprey's parity test.

Writes <out>/detr_r50.pth, the weights saved as the official checkpoints hold them (torch.save of
{"model": state_dict, "epoch": ...}), and <out>/detr_r50.safetensors: two images of different sizes, the padding
mask, the mask at the feature size, the positional encoding, the final and auxiliary outputs in eval mode and the
post-processed detections. The weights are random (about 166 MB), so the test runs this script instead of
committing them.

Usage: /usr/bin/python3 tools/reference/detr_reference.py OUT_DIR
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import save  # noqa: E402


class FrozenBN(nn.Module):
    """Batch norm whose statistics and affine terms are all buffers (eps 1e-5, as the official code)."""

    def __init__(self, n):
        super().__init__()
        for name, init in (("weight", torch.ones), ("bias", torch.zeros), ("running_mean", torch.zeros),
                           ("running_var", torch.ones)):
            self.register_buffer(name, init(n))

    def forward(self, x):
        scale = self.weight[None, :, None, None] * (self.running_var[None, :, None, None] + 1e-5).rsqrt()
        shift = self.bias[None, :, None, None] - self.running_mean[None, :, None, None] * scale
        return x * scale + shift


class ResNetBody(nn.Module):
    """torchvision's ResNet-50 up to layer4 (stride 32, 2048 channels), frozen BN; names conv1..layer4."""

    def __init__(self):
        super().__init__()
        net = torchvision.models.resnet50(norm_layer=FrozenBN)
        for name in ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"):
            setattr(self, name, getattr(net, name))

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = ResNetBody()
        # train_backbone (lr_backbone > 0): only layer2..layer4 train.
        for name, p in self.body.named_parameters():
            if not any(name.startswith(s) for s in ("layer2.", "layer3.", "layer4.")):
                p.requires_grad_(False)

    def forward(self, images, mask):
        features = self.body(images)
        small = F.interpolate(mask[None].float(), size=features.shape[-2:]).bool()[0]  # nearest
        return features, small


class SinePosition(nn.Module):
    """Normalized sine encoding: 128 features per axis, temperature 10000, scale 2*pi, y first then x."""

    def __init__(self, per_axis=128, temperature=10000.0, scale=2 * math.pi, eps=1e-6):
        super().__init__()
        self.per_axis, self.temperature, self.scale, self.eps = per_axis, temperature, scale, eps

    def forward(self, mask):
        valid = (~mask).float()
        y = valid.cumsum(1)
        x = valid.cumsum(2)
        y = y / (y[:, -1:, :] + self.eps) * self.scale
        x = x / (x[:, :, -1:] + self.eps) * self.scale
        k = torch.arange(self.per_axis, dtype=torch.float32)
        freq = self.temperature ** (2 * torch.div(k, 2, rounding_mode="floor") / self.per_axis)

        def encode(v):
            a = v[..., None] / freq
            return torch.stack((a[..., 0::2].sin(), a[..., 1::2].cos()), dim=4).flatten(3)

        return torch.cat((encode(y), encode(x)), dim=3).permute(0, 3, 1, 2)


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, ff, dropout):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d, heads, dropout=dropout)
        self.linear1, self.dropout, self.linear2 = nn.Linear(d, ff), nn.Dropout(dropout), nn.Linear(ff, d)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.dropout1, self.dropout2 = nn.Dropout(dropout), nn.Dropout(dropout)

    def forward(self, src, padding, pos):
        qk = src + pos
        src = self.norm1(src + self.dropout1(self.self_attn(qk, qk, src, key_padding_mask=padding)[0]))
        ff = self.linear2(self.dropout(F.relu(self.linear1(src))))
        return self.norm2(src + self.dropout2(ff))


class DecoderLayer(nn.Module):
    def __init__(self, d, heads, ff, dropout):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d, heads, dropout=dropout)
        self.multihead_attn = nn.MultiheadAttention(d, heads, dropout=dropout)
        self.linear1, self.dropout, self.linear2 = nn.Linear(d, ff), nn.Dropout(dropout), nn.Linear(ff, d)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.dropout1, self.dropout2, self.dropout3 = nn.Dropout(dropout), nn.Dropout(dropout), nn.Dropout(dropout)

    def forward(self, tgt, memory, padding, pos, query_pos):
        qk = tgt + query_pos
        tgt = self.norm1(tgt + self.dropout1(self.self_attn(qk, qk, tgt)[0]))
        cross = self.multihead_attn(tgt + query_pos, memory + pos, memory, key_padding_mask=padding)[0]
        tgt = self.norm2(tgt + self.dropout2(cross))
        ff = self.linear2(self.dropout(F.relu(self.linear1(tgt))))
        return self.norm3(tgt + self.dropout3(ff))


class Transformer(nn.Module):
    def __init__(self, d=256, heads=8, enc=6, dec=6, ff=2048, dropout=0.1):
        super().__init__()
        self.encoder = nn.Module()
        self.encoder.layers = nn.ModuleList(EncoderLayer(d, heads, ff, dropout) for _ in range(enc))
        self.decoder = nn.Module()
        self.decoder.layers = nn.ModuleList(DecoderLayer(d, heads, ff, dropout) for _ in range(dec))
        self.decoder.norm = nn.LayerNorm(d)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def forward(self, src, mask, queries, pos):
        n = src.shape[0]
        src = src.flatten(2).permute(2, 0, 1)          # (HW, N, d)
        pos = pos.flatten(2).permute(2, 0, 1)
        padding = mask.flatten(1)
        query_pos = queries[:, None, :].repeat(1, n, 1)  # (Q, N, d)
        memory = src
        for layer in self.encoder.layers:
            memory = layer(memory, padding, pos)
        tgt = torch.zeros_like(query_pos)
        outputs = []
        for layer in self.decoder.layers:
            tgt = layer(tgt, memory, padding, pos, query_pos)
            outputs.append(self.decoder.norm(tgt))
        return torch.stack(outputs).transpose(1, 2)    # (layers, N, Q, d)


class BoxMLP(nn.Module):
    def __init__(self, d, hidden, out, depth):
        super().__init__()
        dims = [d] + [hidden] * (depth - 1)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims, dims[1:] + [out]))

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return x


class DETR(nn.Module):
    def __init__(self, num_classes=91, queries=100, d=256):
        super().__init__()
        self.transformer = Transformer(d)
        self.class_embed = nn.Linear(d, num_classes + 1)
        self.bbox_embed = BoxMLP(d, d, 4, 3)
        self.query_embed = nn.Embedding(queries, d)
        self.input_proj = nn.Conv2d(2048, d, kernel_size=1)
        self.backbone = nn.ModuleList([Backbone(), SinePosition(d // 2)])

    def forward(self, images, mask):
        features, small = self.backbone[0](images, mask)
        pos = self.backbone[1](small)
        hs = self.transformer(self.input_proj(features), small, self.query_embed.weight, pos)
        return self.class_embed(hs), self.bbox_embed(hs).sigmoid(), small, pos


def pad_batch(images):
    """Zero-pads CHW images to the largest height and width; mask True on padding."""
    h = max(i.shape[1] for i in images)
    w = max(i.shape[2] for i in images)
    batch = torch.zeros(len(images), images[0].shape[0], h, w)
    mask = torch.ones(len(images), h, w, dtype=torch.bool)
    for k, img in enumerate(images):
        batch[k, :, :img.shape[1], :img.shape[2]] = img
        mask[k, :img.shape[1], :img.shape[2]] = False
    return batch, mask


def post_process(logits, boxes, sizes):
    """Scores and labels from the softmax without the no-object class; cxcywh -> xyxy scaled by (w, h)."""
    scores, labels = logits.softmax(-1)[..., :-1].max(-1)
    cx, cy, w, h = boxes.unbind(-1)
    xyxy = torch.stack((cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h), -1)
    img_h, img_w = sizes.float().unbind(1)
    return scores, labels, xyxy * torch.stack((img_w, img_h, img_w, img_h), 1)[:, None, :]


def randomize_frozen_bn(model, gen):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, FrozenBN):
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) * 0.5 + 0.75)
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) * 0.5 + 0.75)
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)


def main(out_dir):
    torch.manual_seed(0)
    os.makedirs(out_dir, exist_ok=True)
    model = DETR()
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    buffers = sum(b.numel() for b in model.buffers())
    assert (total, trainable, buffers) == (41_524_768, 41_302_368, 106_240), (total, trainable, buffers)
    randomize_frozen_bn(model, torch.Generator().manual_seed(1))
    model.eval()

    images = [torch.randn(3, 160, 192), torch.randn(3, 128, 128)]
    batch, mask = pad_batch(images)
    sizes = torch.tensor([[480, 576], [300, 400]])
    with torch.no_grad():
        logits, boxes, small, pos = model(batch, mask)
        scores, labels, pixel_boxes = post_process(logits[-1], boxes[-1], sizes)

    torch.save({"model": model.state_dict(), "epoch": 0}, os.path.join(out_dir, "detr_r50.pth"))
    tensors = {
        "image0": images[0], "image1": images[1], "mask": mask, "feature_mask": small, "pos": pos,
        "logits": logits[-1], "boxes": boxes[-1], "aux_logits": logits[:-1], "aux_boxes": boxes[:-1],
        "target_sizes": sizes, "scores": scores, "labels": labels, "pixel_boxes": pixel_boxes,
    }
    save(os.path.join(out_dir, "detr_r50.safetensors"), tensors,
         {"parameters": total, "trainable": trainable, "buffers": buffers})


if __name__ == "__main__":
    main(sys.argv[1])
