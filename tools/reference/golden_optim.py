"""Golden fixtures for Osprey.Torch.Optim: optimizer trajectories, gradient clipping and LR schedules.

Run with Debian's python (torch 1.13.1): /usr/bin/python3 tools/reference/golden_optim.py
Writes tests/fixtures/optim/{problem,trajectories,clip,schedules}.safetensors.

The problem: a 4-6-2 tanh MLP on 16 fixed samples, loss = mse(mlp(x), y). Every optimizer starts from the
same weights and takes STEPS steps; the parameters after each step are stacked as NAME.PARAM [STEPS, ...].
The C# tests (tests/Osprey.Torch.Tests/Optim) rebuild the same configurations by hand.
"""
import os

import torch
import torch.nn.functional as F
from torch.optim import SGD, Adam, AdamW
from torch.optim.lr_scheduler import (CosineAnnealingLR, LinearLR, MultiStepLR, PolynomialLR, SequentialLR,
                                      StepLR)

from fixtures import FIXTURES, save

STEPS = 20
NAMES = ["w1", "b1", "w2", "b2"]
OUT = os.path.join(FIXTURES, "optim")


def make_problem():
    g = torch.Generator().manual_seed(1234)
    return {
        "x": torch.randn(16, 4, generator=g),
        "y": torch.randn(16, 2, generator=g),
        "w1": torch.randn(6, 4, generator=g) * 0.5,
        "b1": torch.randn(6, generator=g) * 0.1,
        "w2": torch.randn(2, 6, generator=g) * 0.5,
        "b2": torch.randn(2, generator=g) * 0.1,
    }


def loss_of(problem, p, sign=1.0):
    hidden = torch.tanh(F.linear(problem["x"], p["w1"], p["b1"]))
    loss = F.mse_loss(F.linear(hidden, p["w2"], p["b2"]), problem["y"])
    return loss if sign == 1.0 else loss * sign


def fresh_params(problem):
    return {n: problem[n].clone().requires_grad_(True) for n in NAMES}


def run(problem, build, sign=1.0, clip=None, schedule=None):
    """Runs STEPS steps; returns {param: [STEPS, ...], state.I.BUFFER: final optimizer state} and per-step lrs / clip norms."""
    p = fresh_params(problem)
    opt = build(p)
    sched = schedule(opt) if schedule else None
    history = {n: [] for n in NAMES}
    lrs, norms = [], []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss_of(problem, p, sign).backward()
        if clip is not None:
            norms.append(torch.nn.utils.clip_grad_norm_(list(p.values()), clip))
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched:
            sched.step()
        for n in NAMES:
            history[n].append(p[n].detach().clone())
    result = {n: torch.stack(v) for n, v in history.items()}
    for index, buffers in opt.state_dict()["state"].items():
        for buffer, value in buffers.items():
            if value is not None:
                result[f"state.{index}.{buffer}"] = value
    return result, torch.tensor(lrs, dtype=torch.float64), (torch.stack(norms) if norms else None)


def weights(p):
    return [p["w1"], p["w2"]]


def biases(p):
    return [p["b1"], p["b2"]]


CONFIGS = {
    "sgd_plain": dict(build=lambda p: SGD(p.values(), lr=0.1, foreach=False)),
    "sgd_nesterov_wd": dict(build=lambda p: SGD(p.values(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-2,
                                                foreach=False)),
    "sgd_dampening": dict(build=lambda p: SGD(p.values(), lr=0.05, momentum=0.8, dampening=0.3, weight_decay=5e-3,
                                              foreach=False)),
    "sgd_maximize": dict(build=lambda p: SGD(p.values(), lr=0.05, momentum=0.5, maximize=True, foreach=False),
                         sign=-1.0),
    "adam": dict(build=lambda p: Adam(p.values(), lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=1e-3,
                                      foreach=False)),
    "adam_amsgrad": dict(build=lambda p: Adam(p.values(), lr=0.01, amsgrad=True, foreach=False)),
    "adamw": dict(build=lambda p: AdamW(p.values(), lr=0.01, weight_decay=0.05, foreach=False)),
    "adamw_amsgrad": dict(build=lambda p: AdamW(p.values(), lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1,
                                                amsgrad=True, foreach=False)),
    "adamw_groups": dict(build=lambda p: AdamW([{"params": weights(p)},
                                                {"params": biases(p), "lr": 0.03, "weight_decay": 0.0}],
                                               lr=0.01, weight_decay=0.05, foreach=False)),
    "sgd_groups": dict(build=lambda p: SGD([{"params": weights(p)},
                                            {"params": biases(p), "lr": 0.2, "weight_decay": 0.0, "nesterov": False}],
                                           lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-2, foreach=False)),
    "sgd_clip_sched": dict(build=lambda p: SGD(p.values(), lr=0.2, momentum=0.9, weight_decay=1e-4, foreach=False),
                           clip=0.5,
                           schedule=lambda opt: SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=5),
                                                                   CosineAnnealingLR(opt, T_max=15, eta_min=1e-3)],
                                                             milestones=[5])),
}


def trajectories(problem):
    tensors = {}
    for name, cfg in CONFIGS.items():
        history, lrs, norms = run(problem, **cfg)
        for param, stacked in history.items():
            tensors[f"{name}.{param}"] = stacked
        if "schedule" in cfg:
            tensors[f"{name}.lr"] = lrs
        if norms is not None:
            tensors[f"{name}.norm"] = norms
    return tensors


def clipping():
    g = torch.Generator().manual_seed(99)
    grads = [torch.randn(3, 5, generator=g) * 2, torch.randn(7, generator=g), torch.randn(2, 2, 2, generator=g) * 3]
    tensors = {f"grad{i}": t for i, t in enumerate(grads)}
    cases = {"l2_clipped": (1.0, 2.0), "l2_unclipped": (100.0, 2.0), "inf": (0.5, float("inf")), "l1": (3.0, 1.0),
             "l3": (2.0, 3.0)}
    for case, (max_norm, norm_type) in cases.items():
        params = [t.clone().requires_grad_(True) for t in grads]
        for prm, grad in zip(params, grads):
            prm.grad = grad.clone()
        tensors[f"{case}.total"] = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
        for i, prm in enumerate(params):
            tensors[f"{case}.grad{i}"] = prm.grad
    return tensors


SCHEDULE_STEPS = 30
BASE_LRS = (0.1, 0.02)

SCHEDULES = {
    "poly": lambda o: PolynomialLR(o, total_iters=30, power=0.9),
    "poly_short": lambda o: PolynomialLR(o, total_iters=20, power=2.0),
    "cosine": lambda o: CosineAnnealingLR(o, T_max=30, eta_min=1e-4),
    "cosine_past_end": lambda o: CosineAnnealingLR(o, T_max=20),
    "step": lambda o: StepLR(o, step_size=7, gamma=0.5),
    "multistep": lambda o: MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3),
    "warmup_cosine": lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.1, total_iters=5),
                                                CosineAnnealingLR(o, T_max=25, eta_min=0.0)], milestones=[5]),
    "warmup_poly": lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.01, total_iters=8),
                                              PolynomialLR(o, total_iters=22, power=0.9)], milestones=[8]),
    "warmup_step": lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.25, total_iters=4),
                                              StepLR(o, step_size=5, gamma=0.1)], milestones=[4]),
    "warmup_multistep": lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.5, total_iters=3),
                                                   MultiStepLR(o, milestones=[10, 20], gamma=0.1)], milestones=[3]),
}


def schedules():
    tensors = {}
    for name, build in SCHEDULES.items():
        p = torch.zeros(1, requires_grad=True)
        q = torch.zeros(1, requires_grad=True)
        opt = SGD([{"params": [p], "lr": BASE_LRS[0]}, {"params": [q], "lr": BASE_LRS[1]}], lr=BASE_LRS[0])
        sched = build(opt)
        rows = [[g["lr"] for g in opt.param_groups]]
        for _ in range(SCHEDULE_STEPS):
            opt.step()
            sched.step()
            rows.append([g["lr"] for g in opt.param_groups])
        tensors[name] = torch.tensor(rows, dtype=torch.float64)
    return tensors


def main():
    problem = make_problem()
    meta = {"torch": torch.__version__, "steps": STEPS}
    save(os.path.join(OUT, "problem.safetensors"), problem, meta)
    save(os.path.join(OUT, "trajectories.safetensors"), trajectories(problem), meta)
    save(os.path.join(OUT, "clip.safetensors"), clipping(), meta)
    save(os.path.join(OUT, "schedules.safetensors"), schedules(),
         {"torch": torch.__version__, "base_lrs": ",".join(map(str, BASE_LRS))})


if __name__ == "__main__":
    main()
