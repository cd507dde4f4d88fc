"""Three DETR training steps on a padded batch, run by the official facebookresearch/detr code, for Osprey's
training-step parity test (tests/Osprey.Tests/Models/Detection/Detr/DetrTrainingStepTests.cs).

What runs is the official code itself: `models.build` (Backbone with FrozenBatchNorm2d, Joiner with
PositionEmbeddingSine, Transformer, DETR with auxiliary outputs, HungarianMatcher with costs class 1 / bbox 5 /
giou 2, SetCriterion with weights ce 1 / bbox 5 / giou 2 for every decoder layer and eos_coef 0.1), the padded batch
of `util.misc.nested_tensor_from_tensor_list`, and the step of `main.py` + `engine.train_one_epoch`: AdamW over two
parameter groups (everything outside the backbone at lr 1e-4, the trainable backbone at lr_backbone 1e-5), weight
decay 1e-4, `clip_grad_norm_(model.parameters(), 0.1)`, StepLR. The model is the paper's DETR-R50 (91 classes,
d 256, 6 + 6 layers, 100 queries) with two departures, both needed for a bit-for-bit comparable step:
- dropout 0 (the official --dropout flag): dropout masks are random draws no two programs share;
- StepLR with step size 2 instead of 200, stepped after every optimizer step (main.py steps it once per epoch: here
  an epoch is this one batch), so the third step runs at lr * 0.1 and the schedule is exercised.

Weights. DETR-R50 has 41.5 M parameters (166 MB), far above what a fixture may hold, and the official Backbone
would download ImageNet weights. So neither side uses its own initializer: both fill the state dict from libtorch's
default CPU generator by one recipe, which Osprey repeats in C# (same libtorch, same seed, same draws):
    torch.manual_seed(SEED); for every state-dict entry in ordinal order of its name: u = torch.rand(shape) (float32),
    then, computed in float64 and rounded to float32:
      dim >= 2:                           (2u - 1) * sqrt(3 / fan_in), fan_in = numel / shape[0]
      dim 1, name ends in weight/running_var: 0.9 + 0.2u
      dim 1, otherwise (bias, running_mean):  0.2u - 0.1
torch.rand is a serial uniform draw (no vectorized kernel), so it is the same on every CPU. The fixture keeps the sum
and the sum of squares of every entry after the fill, so the test proves it built the very same weights.

Inputs: two images of different sizes (3x96x128 and 3x60x80), zero-padded to 96x128 with the mask; at stride 32 the
second image's feature mask has a masked row and column, so padding changes the backbone mask, the position
encoding and the attention's key padding. Targets: 3 and 2 boxes.

The same is run for Osprey's light configuration (ResNet-18, d 128, 3 + 3 layers, feed-forward 512, 50 queries),
which the official code builds from the same flags.

Writes tests/fixtures/detr_step.safetensors (about 0.9 MB) and detr_step_light.safetensors: images, targets, the feature mask and position
encoding, per step every loss term (official names), the weighted total, the gradient norm before clipping and the
learning rates; at step 1 the matches of every decoder layer, the norm of every parameter's gradient and full
gradients of selected parameters; after 3 steps selected parameters in full and, for every parameter, the norm of
its total change.

Usage (the official code from `fetch github:facebookresearch/detr`, e.g. unpacked with git archive):
  DETR_OFFICIAL=/path/to/detr /usr/bin/python3 tools/reference/detr_step_reference.py
Needs Debian's python3-torch, python3-torchvision and python3-scipy (the official matcher uses
scipy.optimize.linear_sum_assignment).
"""
import argparse
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from fixtures import FIXTURES, save  # noqa: E402

sys.path.insert(0, os.environ["DETR_OFFICIAL"])
import models.backbone as official_backbone  # noqa: E402
from models import build_model  # noqa: E402
from util.misc import nested_tensor_from_tensor_list  # noqa: E402

SEED, STEPS, LR_DROP = 0, 3, 2

# fixture name -> the model flags that differ from main.py's defaults (besides dropout 0).
CONFIGS = {
    "detr_step": {},  # DETR-R50 as the paper
    # Osprey's light configuration for CPUs: ResNet-18 (512 channels), d 128, 3 + 3 layers, feed-forward 512, 50 queries.
    "detr_step_light": {"backbone": "resnet18", "hidden_dim": 128, "enc_layers": 3, "dec_layers": 3,
                        "dim_feedforward": 512, "num_queries": 50},
}


def selected(args):
    """Tensors kept in full: (name, rows kept or None for all)."""
    last_enc, last_dec = args.enc_layers - 1, args.dec_layers - 1
    # ResNet-50's last 1x1 convolution, ResNet-18's last 3x3 one (9 times the elements per row).
    last_conv, conv_rows = ("layer4.2.conv3", 16) if args.backbone == "resnet50" else ("layer4.1.conv2", 2)
    return [
        ("class_embed.weight", None), ("class_embed.bias", None),
        ("bbox_embed.layers.0.bias", None), ("bbox_embed.layers.2.weight", None), ("bbox_embed.layers.2.bias", None),
        ("query_embed.weight", 32),
        ("input_proj.weight", 8), ("input_proj.bias", None),
        ("transformer.encoder.layers.0.self_attn.in_proj_weight", 16),
        ("transformer.encoder.layers.0.self_attn.in_proj_bias", None),
        (f"transformer.encoder.layers.{last_enc}.norm2.weight", None),
        ("transformer.decoder.layers.0.multihead_attn.in_proj_weight", 16),
        (f"transformer.decoder.layers.{last_dec}.linear2.bias", None), ("transformer.decoder.norm.weight", None),
        ("backbone.0.body.layer2.0.conv1.weight", 8), (f"backbone.0.body.{last_conv}.weight", conv_rows),
    ]


def official_args(**changes):
    """main.py's defaults, with dropout 0 (see above) and the configuration's changes."""
    args = argparse.Namespace(
        dataset_file="coco", device="cpu", backbone="resnet50", lr_backbone=1e-5, dilation=False, masks=False,
        position_embedding="sine", hidden_dim=256, dropout=0.0, nheads=8, dim_feedforward=2048, enc_layers=6,
        dec_layers=6, pre_norm=False, num_queries=100, aux_loss=True, frozen_weights=None,
        set_cost_class=1.0, set_cost_bbox=5.0, set_cost_giou=2.0, mask_loss_coef=1.0, dice_loss_coef=1.0,
        bbox_loss_coef=5.0, giou_loss_coef=2.0, eos_coef=0.1, lr=1e-4, weight_decay=1e-4, clip_max_norm=0.1)
    for k, v in changes.items():
        assert hasattr(args, k), k
        setattr(args, k, v)
    return args


def fill_by_recipe(model):
    torch.manual_seed(SEED)
    state = model.state_dict()
    with torch.no_grad():
        for name in sorted(state):
            t = state[name]
            u = torch.rand(t.shape, dtype=torch.float32).double()
            if t.dim() >= 2:
                values = (2 * u - 1) * math.sqrt(3 / (t.numel() / t.shape[0]))
            elif name.endswith("weight") or name.endswith("running_var"):
                values = 0.9 + 0.2 * u
            else:
                values = 0.2 * u - 0.1
            t.copy_(values.float())
    return state


def main(fixture, changes):
    args = official_args(**changes)
    official_backbone.is_main_process = lambda: False  # Backbone(pretrained=is_main_process()): no ImageNet download
    model, criterion, _ = build_model(args)
    state = fill_by_recipe(model)
    initial = {n: p.detach().clone() for n, p in model.named_parameters()}
    tensors = {}
    for name, t in state.items():
        tensors[f"init_sum/{name}"] = t.double().sum()
        tensors[f"init_sumsq/{name}"] = (t.double() ** 2).sum()

    gen = torch.Generator().manual_seed(1)
    images = [torch.randn(3, 96, 128, generator=gen), torch.randn(3, 60, 80, generator=gen)]
    targets = [
        {"labels": torch.tensor([1, 17, 90]),
         "boxes": torch.tensor([[0.30, 0.40, 0.20, 0.30], [0.62, 0.55, 0.40, 0.50], [0.80, 0.20, 0.15, 0.10]])},
        {"labels": torch.tensor([17, 5]),
         "boxes": torch.tensor([[0.50, 0.50, 0.60, 0.70], [0.25, 0.70, 0.30, 0.20]])},
    ]
    samples = nested_tensor_from_tensor_list(images)
    tensors.update({"image0": images[0], "image1": images[1], "mask": samples.mask})
    for i, t in enumerate(targets):
        tensors[f"target{i}.labels"], tensors[f"target{i}.boxes"] = t["labels"], t["boxes"]
    with torch.no_grad():
        features, pos = model.backbone(samples)
        tensors["feature_mask"], tensors["pos"] = features[-1].mask, pos[-1]

    # main.py: the parameter groups, the optimizer and the schedule.
    param_dicts = [
        {"params": [p for n, p in model.named_parameters() if "backbone" not in n and p.requires_grad]},
        {"params": [p for n, p in model.named_parameters() if "backbone" in n and p.requires_grad],
         "lr": args.lr_backbone},
    ]
    optimizer = torch.optim.AdamW(param_dicts, lr=args.lr, weight_decay=args.weight_decay)
    lr_scheduler = torch.optim.lr_scheduler.StepLR(optimizer, LR_DROP)

    # engine.train_one_epoch, one batch per epoch.
    model.train()
    criterion.train()
    matcher = criterion.matcher
    for step in range(STEPS):
        tensors[f"step{step}.lr"] = torch.tensor([g["lr"] for g in optimizer.param_groups], dtype=torch.float64)
        outputs = model(samples)
        if step == 0:
            layers = outputs["aux_outputs"] + [{k: outputs[k] for k in ("pred_logits", "pred_boxes")}]
            for layer, out in enumerate(layers):
                for i, (queries, targets_of) in enumerate(matcher(out, targets)):
                    order = queries.argsort()
                    tensors[f"match.layer{layer}.image{i}.queries"] = queries[order]
                    tensors[f"match.layer{layer}.image{i}.targets"] = targets_of[order]
        loss_dict = criterion(outputs, targets)
        weight_dict = criterion.weight_dict
        losses = sum(loss_dict[k] * weight_dict[k] for k in loss_dict.keys() if k in weight_dict)
        for k, v in loss_dict.items():
            tensors[f"step{step}.{k}"] = v.detach()
        tensors[f"step{step}.total"] = losses.detach()

        optimizer.zero_grad()
        losses.backward()
        if step == 0:
            for n, p in model.named_parameters():
                if p.grad is not None:
                    tensors[f"grad_norm/{n}"] = p.grad.double().norm()
            for n, rows in selected(args):
                g = dict(model.named_parameters())[n].grad
                tensors[f"grad/{n}"] = (g if rows is None else g[:rows]).clone()  # the step scales p.grad in place
        tensors[f"step{step}.grad_total_norm"] = torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip_max_norm)
        optimizer.step()
        lr_scheduler.step()

    params = dict(model.named_parameters())
    for n, rows in selected(args):
        p = params[n].detach()
        tensors[f"param/{n}"] = p if rows is None else p[:rows]
    for n, p in params.items():
        tensors[f"update_norm/{n}"] = (p.detach().double() - initial[n].double()).norm()

    path = os.path.join(FIXTURES, fixture + ".safetensors")
    save(path, tensors, {"seed": SEED, "steps": STEPS, "lr_drop": LR_DROP, "changes": changes,
                         "official": "facebookresearch/detr models.build, dropout 0"})
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    for step in range(STEPS):
        print(step, {k: round(float(tensors[f'step{step}.{k}']), 6) for k in ("total", "loss_ce", "loss_bbox", "loss_giou", "grad_total_norm")})


if __name__ == "__main__":
    for name, config in CONFIGS.items():
        main(name, config)
