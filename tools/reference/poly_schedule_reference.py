"""Reference learning rates for the `poly` schedule option (tests/Osprey.Tests/Training/PolyScheduleOptionTests.cs).

Run with Debian's python (torch 1.13.1): /usr/bin/python3 tools/reference/poly_schedule_reference.py
Writes tests/fixtures/optim/poly_option.safetensors: for each case, the learning rate of two parameter groups
(base 0.01 and 0.001) before the first step and after each of STEPS optimizer steps, as float64 [STEPS + 1, 2].

- torch_*: torch.optim.lr_scheduler.PolynomialLR itself (its recursive form: lr *= ((1 - t/T) / (1 - (t-1)/T))^power).
- mmseg_*: mmsegmentation's PolyLR (mmengine's PolyParamScheduler, by iteration): starting from the base rate,
  lr_t = (lr_{t-1} - eta_min) * (1 - 1 / (T - t + 1))^power + eta_min for 1 <= t <= T, unchanged after T. mmengine is
  not installed here, so the recursion is written out as an LRScheduler below (mmengine's documented update).
- warmup_mmseg: mmsegmentation's usual LinearLR warmup (start_factor 0.1) for W iterations, then PolyLR from W on,
  with torch's LinearLR and SequentialLR (which restarts PolyLR at the milestone through its closed form).
"""
import os

import torch
from torch.optim import SGD
from torch.optim.lr_scheduler import LinearLR, PolynomialLR, SequentialLR, _LRScheduler

from fixtures import FIXTURES, save

STEPS = 120
BASE_LRS = (0.01, 0.001)


class MmsegPolyLR(_LRScheduler):
    """PolyLR by iteration: the recursive update with eta_min shared by every group."""

    def __init__(self, optimizer, total_iters, power, eta_min):
        self.total_iters, self.power, self.eta_min = total_iters, power, eta_min
        super().__init__(optimizer)

    def get_lr(self):
        t = self.last_epoch
        if t == 0 or t > self.total_iters:
            return [group["lr"] for group in self.optimizer.param_groups]
        factor = (1 - 1 / (self.total_iters - t + 1)) ** self.power
        return [(group["lr"] - self.eta_min) * factor + self.eta_min for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        # mmengine's closed form, used by SequentialLR when it restarts this scheduler at its milestone.
        t = min(self.last_epoch, self.total_iters)
        return [(base - self.eta_min) * (1 - t / self.total_iters) ** self.power + self.eta_min for base in self.base_lrs]


CASES = {
    # total iterations T, power, eta_min; T < STEPS shows the rate held after the end
    "torch_0.9": lambda o: PolynomialLR(o, total_iters=100, power=0.9),
    "torch_2.0": lambda o: PolynomialLR(o, total_iters=120, power=2.0),
    "mmseg_0.9": lambda o: MmsegPolyLR(o, total_iters=100, power=0.9, eta_min=1e-4),
    "mmseg_1.5": lambda o: MmsegPolyLR(o, total_iters=120, power=1.5, eta_min=5e-5),
    "warmup_mmseg": lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.1, total_iters=10),
                                              MmsegPolyLR(o, total_iters=110, power=0.9, eta_min=1e-4)], milestones=[10]),
}


def sequence(build):
    p = torch.zeros(1, requires_grad=True)
    q = torch.zeros(1, requires_grad=True)
    opt = SGD([{"params": [p], "lr": BASE_LRS[0]}, {"params": [q], "lr": BASE_LRS[1]}], lr=BASE_LRS[0], momentum=0.9)
    sched = build(opt)
    rows = [[g["lr"] for g in opt.param_groups]]
    for _ in range(STEPS):
        opt.step()
        sched.step()
        rows.append([g["lr"] for g in opt.param_groups])
    return torch.tensor(rows, dtype=torch.float64)


def main():
    tensors = {name: sequence(build) for name, build in CASES.items()}
    save(os.path.join(FIXTURES, "optim", "poly_option.safetensors"), tensors,
         {"torch": torch.__version__, "steps": STEPS, "base_lrs": ",".join(map(str, BASE_LRS))})


if __name__ == "__main__":
    main()
