"""Golden fixtures for Osprey.Torch.NN layers (tests/fixtures/layers/*.safetensors).

Each layer fixture holds, for one layer with perturbed (non-default) state:
  state.<key>        the state dict loaded into the C# layer
  in.<name>          forward inputs; out.<name> outputs; gout.<name> the fixed upstream gradients
  grad.in.<name>     gradients of sum(out * gout) w.r.t. floating inputs
  grad.param.<key>   ... and w.r.t. each parameter
  after.<key>        buffers after the forward (BatchNorm running statistics in train mode)
metadata: mode (train/eval), state_keys (the state-dict key order).
Run: /usr/bin/python3 tools/reference/golden_layers.py
"""
import os

import torch
import torch.nn as nn
from torchvision.ops import FrozenBatchNorm2d

from fixtures import FIXTURES, save

OUT = os.path.join(FIXTURES, "layers")


def perturb(module, gen):
    """Replaces every floating parameter and buffer by random values so that defaults prove nothing."""
    with torch.no_grad():
        for name, t in list(module.state_dict().items()):
            if t.is_floating_point():
                values = torch.randn(t.shape, generator=gen) * 0.5
                if name.endswith("running_var"):
                    values = values.abs() + 0.5
                t.copy_(values)


def write(name, module, inputs, forward, train=False, perturb_state=True, seed=0):
    gen = torch.Generator().manual_seed(seed)
    if perturb_state:
        perturb(module, gen)
    module.train(train)
    tensors = {"state." + k: v.clone() for k, v in module.state_dict().items()}
    keys = list(module.state_dict().keys())
    leaves = {}
    for k, v in inputs.items():
        tensors["in." + k] = v.clone()
        leaf = v.clone()
        if leaf.is_floating_point():
            leaf.requires_grad_(True)
        leaves[k] = leaf
    outputs = forward(module, leaves)
    loss = 0
    for k, out in outputs.items():
        gout = torch.randn(out.shape, generator=gen)
        tensors["out." + k] = out.detach()
        tensors["gout." + k] = gout
        loss = loss + (out * gout).sum()
    if loss.requires_grad:
        loss.backward()
    for k, leaf in leaves.items():
        if leaf.grad is not None:
            tensors["grad.in." + k] = leaf.grad
    for k, p in module.named_parameters():
        if p.grad is not None:
            tensors["grad.param." + k] = p.grad
    if train:
        for k, b in module.named_buffers():
            tensors["after." + k] = b.clone()
    save(os.path.join(OUT, name + ".safetensors"), tensors,
         {"mode": "train" if train else "eval", "state_keys": ",".join(keys)})


def single(module, x):
    return {"output": module(x["input"])}


def rand(*shape, seed=1):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def layers():
    write("conv2d_basic", nn.Conv2d(4, 6, 3, stride=2, padding=1), {"input": rand(2, 4, 9, 9)}, single)
    write("conv2d_groups_dilation", nn.Conv2d(4, 8, (3, 2), padding=(2, 1), dilation=2, groups=2),
          {"input": rand(2, 4, 8, 7)}, single)
    write("conv2d_reflect", nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect", bias=False), {"input": rand(1, 3, 6, 5)}, single)
    write("conv2d_replicate", nn.Conv2d(3, 4, 3, stride=2, padding=(2, 1), padding_mode="replicate"), {"input": rand(1, 3, 6, 5)}, single)
    write("conv2d_circular", nn.Conv2d(3, 4, 5, padding=2, padding_mode="circular"), {"input": rand(1, 3, 6, 6)}, single)
    write("conv2d_same_even", nn.Conv2d(3, 4, 4, padding="same"), {"input": rand(2, 3, 7, 6)}, single)
    write("conv2d_same_replicate", nn.Conv2d(3, 4, (4, 3), padding="same", dilation=(1, 2), padding_mode="replicate"),
          {"input": rand(1, 3, 7, 8)}, single)
    write("conv_transpose2d", nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
          {"input": rand(2, 4, 5, 4)}, single)
    write("linear", nn.Linear(5, 7), {"input": rand(3, 4, 5)}, single)
    write("linear_nobias", nn.Linear(5, 3, bias=False), {"input": rand(6, 5)}, single)

    write("batchnorm2d_train", nn.BatchNorm2d(4), {"input": rand(3, 4, 5, 5)}, single, train=True)
    write("batchnorm2d_eval", nn.BatchNorm2d(4), {"input": rand(3, 4, 5, 5)}, single)
    cma = nn.BatchNorm2d(4, momentum=None)
    cma.num_batches_tracked.fill_(3)  # the cumulative average then weights this batch by 1/4
    write("batchnorm2d_cumulative", cma, {"input": rand(2, 4, 3, 3)}, single, train=True)
    write("batchnorm2d_plain", nn.BatchNorm2d(4, eps=1e-3, affine=False, track_running_stats=False),
          {"input": rand(2, 4, 3, 3)}, single)
    write("frozen_batchnorm2d", FrozenBatchNorm2d(4), {"input": rand(2, 4, 3, 3)}, single)
    write("groupnorm", nn.GroupNorm(2, 6), {"input": rand(2, 6, 4, 3)}, single)
    write("layernorm", nn.LayerNorm([4, 5]), {"input": rand(2, 3, 4, 5)}, single)
    write("embedding", nn.Embedding(10, 4, padding_idx=1), {"input": torch.tensor([[1, 3, 3, 9, 0], [1, 2, 3, 4, 1]])}, single)

    for name, act in [("relu", nn.ReLU()), ("gelu", nn.GELU()), ("gelu_tanh", nn.GELU(approximate="tanh")),
                      ("silu", nn.SiLU()), ("sigmoid", nn.Sigmoid()), ("hardswish", nn.Hardswish())]:
        write("act_" + name, act, {"input": rand(2, 3, 4) * 3}, single)

    write("maxpool2d", nn.MaxPool2d(3, stride=2, padding=1), {"input": rand(2, 3, 7, 6)}, single)
    write("maxpool2d_ceil", nn.MaxPool2d(2, ceil_mode=True), {"input": rand(1, 2, 5, 5)}, single)
    write("avgpool2d", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), {"input": rand(2, 3, 7, 6)}, single)
    write("adaptive_avgpool2d", nn.AdaptiveAvgPool2d((3, 2)), {"input": rand(2, 3, 7, 5)}, single)
    write("adaptive_maxpool2d", nn.AdaptiveMaxPool2d((2, 3)), {"input": rand(2, 3, 7, 5)}, single)
    write("upsample_nearest_scale", nn.Upsample(scale_factor=2), {"input": rand(1, 2, 3, 4)}, single)
    write("upsample_nearest_size", nn.Upsample(size=(5, 7)), {"input": rand(1, 2, 3, 4)}, single)
    write("upsample_bilinear_align", nn.Upsample(size=(7, 9), mode="bilinear", align_corners=True), {"input": rand(1, 2, 3, 4)}, single)
    write("upsample_bilinear", nn.Upsample(scale_factor=2, mode="bilinear"), {"input": rand(1, 2, 3, 4)}, single)
    write("flatten", nn.Flatten(), {"input": rand(2, 3, 2, 2)}, single)


def attention():
    def mha_forward(m, x):
        out, weights = m(x["query"], x["key"], x["value"], key_padding_mask=x.get("key_padding_mask"),
                         attn_mask=x.get("attn_mask"), average_attn_weights=x["average"].item())
        return {"output": out, "weights": weights}

    padding = torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])
    causal = torch.ones(3, 5, dtype=torch.bool).triu(3)
    write("mha_cross", nn.MultiheadAttention(8, 2),
          {"query": rand(3, 2, 8, seed=1), "key": rand(5, 2, 8, seed=2), "value": rand(5, 2, 8, seed=3),
           "key_padding_mask": padding, "attn_mask": causal, "average": torch.tensor(True)}, mha_forward)
    x = rand(2, 4, 8, seed=4)
    write("mha_self_batch_first", nn.MultiheadAttention(8, 4, batch_first=True),
          {"query": x, "key": x, "value": x, "attn_mask": rand(4, 4, seed=5), "average": torch.tensor(False)}, mha_forward)

    def enc_forward(m, x):
        return {"output": m(x["src"], src_key_padding_mask=x["src_key_padding_mask"])}

    write("transformer_encoder_layer", nn.TransformerEncoderLayer(8, 2, dim_feedforward=16),
          {"src": rand(5, 2, 8), "src_key_padding_mask": padding}, enc_forward)

    def dec_forward(m, x):
        return {"output": m(x["tgt"], x["memory"], tgt_mask=x["tgt_mask"], memory_key_padding_mask=x["memory_key_padding_mask"])}

    write("transformer_decoder_layer", nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True),
          {"tgt": rand(2, 3, 8, seed=6), "memory": rand(2, 5, 8, seed=7),
           "tgt_mask": torch.ones(3, 3, dtype=torch.bool).triu(1), "memory_key_padding_mask": padding}, dec_forward)


def seeded_init():
    """Default initialisation drawn from a seeded generator: the C# layers must draw the same values."""
    torch.manual_seed(1234)
    modules = {"conv": nn.Conv2d(8, 16, 3), "convt": nn.ConvTranspose2d(4, 6, 3, groups=2), "linear": nn.Linear(12, 5),
               "embedding": nn.Embedding(10, 4, padding_idx=2), "mha": nn.MultiheadAttention(16, 4)}
    tensors = {f"{n}.{k}": v for n, m in modules.items() for k, v in m.state_dict().items()}
    save(os.path.join(OUT, "init_seeded.safetensors"), tensors)


class Composite(nn.Module):
    """A small model touching every naming rule: own buffers first, Sequential indices, ModuleList, ModuleDict,
    MultiheadAttention's packed projection, BatchNorm's num_batches_tracked, a non-persistent buffer."""

    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.ones(1))
        self.register_buffer("scratch", torch.zeros(1), persistent=False)
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 16))
        self.blocks = nn.ModuleList([nn.LayerNorm(16), nn.Linear(16, 16)])
        self.attn = nn.MultiheadAttention(16, 4)
        self.heads = nn.ModuleDict({"cls": nn.Linear(16, 5), "frozen": FrozenBatchNorm2d(4)})
        self.embed = nn.Embedding(7, 16)


def composite():
    torch.manual_seed(0)
    model = Composite()
    tensors = {"state." + k: v for k, v in model.state_dict().items()}
    meta = {
        "state_keys": ",".join(model.state_dict().keys()),
        "parameter_names": ",".join(n for n, _ in model.named_parameters()),
        "buffer_names": ",".join(n for n, _ in model.named_buffers()),
        "module_names": ",".join(n for n, _ in model.named_modules()),
        "child_names": ",".join(n for n, _ in model.named_children()),
    }
    save(os.path.join(OUT, "composite.safetensors"), tensors, meta)


if __name__ == "__main__":
    torch.set_num_threads(1)
    layers()
    attention()
    seeded_init()
    composite()
    print("wrote", len(os.listdir(OUT)), "fixtures to", os.path.abspath(OUT))
