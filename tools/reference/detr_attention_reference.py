"""The last decoder layer's cross-attention of DETR, captured as the official DETR attention notebook does (a forward
hook on model.transformer.decoder.layers[-1].multihead_attn keeping output[1], the weights averaged over heads), run
by the official facebookresearch/detr code, for Osprey's attention-picture test
(tests/Osprey.Tests/Models/Detection/Detr/DetrCrossAttentionTests.cs).

The model is Osprey's light configuration (ResNet-18, d 128, 3 + 3 layers, feed-forward 512, 50 queries; 91 classes)
built by the official `models.build` with dropout 0, in eval mode, its weights filled by the recipe of
detr_step_reference.py (libtorch's generator, seed 0, which Osprey repeats). Inputs: two images of different sizes
(3x96x128 and 3x60x80) padded by `nested_tensor_from_tensor_list`, so the second image's padded keys are masked.

Writes tests/fixtures/detr_attention.safetensors: the images, the attention (N, Q, H*W), the feature grid size and the
final logits and boxes.

Usage (the official code from `fetch github:facebookresearch/detr`, e.g. unpacked with git archive):
  DETR_OFFICIAL=/path/to/detr /usr/bin/python3 tools/reference/detr_attention_reference.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from detr_step_reference import CONFIGS, fill_by_recipe, official_args  # noqa: E402
from fixtures import FIXTURES, save  # noqa: E402

import models.backbone as official_backbone  # noqa: E402  (DETR_OFFICIAL is on the path through detr_step_reference)
from models import build_model  # noqa: E402
from util.misc import nested_tensor_from_tensor_list  # noqa: E402


def main():
    args = official_args(**CONFIGS["detr_step_light"])
    official_backbone.is_main_process = lambda: False  # no ImageNet download
    model, _, _ = build_model(args)
    fill_by_recipe(model)
    model.eval()

    conv_features, dec_attn_weights = [], []
    hooks = [
        model.backbone[-2].register_forward_hook(lambda self, input, output: conv_features.append(output)),
        model.transformer.decoder.layers[-1].multihead_attn.register_forward_hook(
            lambda self, input, output: dec_attn_weights.append(output[1])),
    ]
    gen = torch.Generator().manual_seed(2)
    images = [torch.randn(3, 96, 128, generator=gen), torch.randn(3, 60, 80, generator=gen)]
    samples = nested_tensor_from_tensor_list(images)
    with torch.no_grad():
        outputs = model(samples)
    for hook in hooks:
        hook.remove()
    h, w = conv_features[0]["0"].tensors.shape[-2:]
    tensors = {
        "image0": images[0], "image1": images[1], "mask": samples.mask,
        "attention": dec_attn_weights[0], "grid": torch.tensor([h, w]),
        "logits": outputs["pred_logits"], "boxes": outputs["pred_boxes"],
    }
    path = os.path.join(FIXTURES, "detr_attention.safetensors")
    save(path, tensors, {"seed": 0, "official": "facebookresearch/detr models.build, dropout 0, eval",
                         "hook": "transformer.decoder.layers[-1].multihead_attn output[1]"})
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


main()
