#!/usr/bin/python3
"""PyTorch's half of bench/run.sh: the workloads of bench/Osprey.Bench with the same shapes, seeds,
threads and flags, results as JSON. Run with Debian's python (torch 1.13.1): /usr/bin/python3."""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

BATCH = 16
ROUNDS = 5
OPS_PER_SCOPE = 1000  # mirrors the C# round size, so both count the same ops per round


def vm_status_mib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"/proc/self/status has no {field} line")


def mapped_blas():
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            cols = line.split(None, 5)
            if len(cols) == 6:
                path = cols[5].strip()
                if "blas" in path.lower() or "mkl" in path.lower():
                    paths.add(path)
    return sorted(paths)


def scaled(shape, std):
    return (torch.randn(shape) * std).requires_grad_()


class ConvNet:
    """Same draws in the same order as bench/Osprey.Bench/ConvNet.cs."""

    def __init__(self, seed):
        torch.manual_seed(seed)
        self.w1 = scaled([32, 3, 3, 3], (2.0 / (3 * 9)) ** 0.5)
        self.w2 = scaled([64, 32, 3, 3], (2.0 / (32 * 9)) ** 0.5)
        self.w3 = scaled([128, 64, 3, 3], (2.0 / (64 * 9)) ** 0.5)
        self.fc_w = scaled([10, 128], (1.0 / 128) ** 0.5)
        self.fc_b = scaled([10], 0.01)
        self.bn = [self.bn_state(c) for c in (32, 64, 128)]

    @staticmethod
    def bn_state(c):
        return (torch.ones(c).requires_grad_(), torch.zeros(c).requires_grad_(), torch.zeros(c), torch.ones(c))

    def parameters(self):
        ps = [self.w1, *self.bn[0][:2], self.w2, *self.bn[1][:2], self.w3, *self.bn[2][:2], self.fc_w, self.fc_b]
        return ps

    @staticmethod
    def stage(x, w, bn, stride):
        gamma, beta, running_mean, running_var = bn
        y = F.conv2d(x, w, None, stride, 1)
        y = F.batch_norm(y, running_mean, running_var, gamma, beta, training=True)
        return F.relu(y)

    def loss(self, x, target):
        h = self.stage(x, self.w1, self.bn[0], 1)
        h = self.stage(h, self.w2, self.bn[1], 2)
        h = self.stage(h, self.w3, self.bn[2], 2)
        pooled = F.adaptive_avg_pool2d(h, 1).flatten(1)
        logits = F.linear(pooled, self.fc_w, self.fc_b)
        return F.cross_entropy(logits, target)


def bench_convnet(warmup, steps):
    rss_before = vm_status_mib("VmRSS")
    net = ConvNet(0)
    x = torch.randn(BATCH, 3, 32, 32)
    target = torch.randint(0, 10, (BATCH,))
    params = net.parameters()
    first_loss = None
    times, forward_times, cpu_times = [], [], []
    for k in range(warmup + steps):
        cpu_start = time.process_time()
        start = time.perf_counter()
        loss = net.loss(x, target)
        forward_ms = (time.perf_counter() - start) * 1000
        loss.backward()
        if first_loss is None:
            first_loss = loss.item()
        del loss
        for p in params:
            p.grad = None
        ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.process_time() - cpu_start) * 1000
        if k >= warmup:
            times.append(ms)
            cpu_times.append(cpu_ms)
            forward_times.append(forward_ms)
    return {
        "batch": BATCH,
        "warmup": warmup,
        "steps": steps,
        "ms_per_step_median": statistics.median(times),
        "ms_per_step_min": min(times),
        "ms_per_step_max": max(times),
        "cpu_ms_per_step_median": statistics.median(cpu_times),
        "forward_ms_median": statistics.median(forward_times),
        "first_loss": first_loss,
        "rss_before_mib": rss_before,
        "peak_rss_mib": vm_status_mib("VmHWM"),
        "peak_rss_getrusage_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def add_operator(x, count):
    start = time.perf_counter()
    for _ in range(count):
        y = x + x
    return (time.perf_counter() - start) * 1e6 / count


def add_method(x, count):
    start = time.perf_counter()
    for _ in range(count):
        y = x.add(x)
    return (time.perf_counter() - start) * 1e6 / count


def bench_ops(ops):
    per_round = max(OPS_PER_SCOPE, ops // ROUNDS // OPS_PER_SCOPE * OPS_PER_SCOPE)
    x = torch.ones(1, 1)
    add_operator(x, per_round)
    add_method(x, per_round)
    operator, method, operator_cpu, method_cpu = [], [], [], []
    for _ in range(ROUNDS):
        cpu = time.process_time()
        operator.append(add_operator(x, per_round))
        operator_cpu.append((time.process_time() - cpu) * 1e6 / per_round)
        cpu = time.process_time()
        method.append(add_method(x, per_round))
        method_cpu.append((time.process_time() - cpu) * 1e6 / per_round)
    return {
        "ops_per_round": per_round,
        "rounds": ROUNDS,
        "add_operator_us": statistics.median(operator),
        "add_method_us": statistics.median(method),
        "add_operator_cpu_us": statistics.median(operator_cpu),
        "add_method_cpu_us": statistics.median(method_cpu),
    }


def bench_matmul(n, warmup, reps):
    torch.manual_seed(1)
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    times = []
    for k in range(warmup + reps):
        start = time.perf_counter()
        c = torch.mm(a, b)
        ms = (time.perf_counter() - start) * 1000
        del c
        if k >= warmup:
            times.append(ms)
    median = statistics.median(times)
    return {
        "n": n,
        "reps": reps,
        "ms_median": median,
        "gflops_median": 2.0 * n ** 3 / (median / 1000) / 1e9,
        "gflops_best": 2.0 * n ** 3 / (min(times) / 1000) / 1e9,
    }


def positive(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"needs a positive integer, got '{text}'")
    return value


def workloads(text):
    names = [n.strip() for n in text.split(",") if n.strip()]
    for n in names:
        if n not in ("convnet", "ops", "matmul"):
            raise argparse.ArgumentTypeError(f"unknown workload '{n}' (convnet, ops, matmul)")
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=positive, default=os.cpu_count())
    parser.add_argument("--warmup", type=positive, default=10)
    parser.add_argument("--steps", type=positive, default=50)
    parser.add_argument("--ops", type=positive, default=100_000)
    parser.add_argument("--matmul-n", type=positive, default=2048)
    parser.add_argument("--matmul-reps", type=positive, default=10)
    parser.add_argument("--only", type=workloads, default=[])
    parser.add_argument("--json")
    args = parser.parse_args()
    runs = lambda name: not args.only or name in args.only

    torch.set_num_threads(args.threads)
    results = {
        "engine": "pytorch",
        "runtime": f"Python {sys.version.split()[0]}",
        "libtorch": torch.__version__,
        "threads": torch.get_num_threads(),
        "cores": os.cpu_count(),
        "parallel_info": torch.__config__.parallel_info(),
    }
    if runs("convnet"):
        results["convnet"] = bench_convnet(args.warmup, args.steps)
    if runs("ops"):
        results["op_overhead"] = bench_ops(args.ops)
    if runs("matmul"):
        results["matmul"] = bench_matmul(args.matmul_n, 2, args.matmul_reps)
    results["blas_mapped"] = mapped_blas()

    text = json.dumps(results, indent=2)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
