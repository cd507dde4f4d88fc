#!/usr/bin/python3
"""Writes bench/RESULTS.md from the JSON of Osprey.Bench and torch_bench.py plus this machine's facts.
Each engine may have run several times (alternating with the other): per metric the report takes the median
over runs (fastest/slowest: the extreme over runs).
usage: report.py LOAD_BEFORE OSPREY_JSON[,OSPREY_JSON...] TORCH_JSON[,TORCH_JSON...] > RESULTS.md"""
import datetime
import statistics
import json
import os
import platform
import sys

BLAS_LINK = "/usr/lib/x86_64-linux-gnu/libblas.so.3"


def symlink_chain(path):
    chain = [path]
    seen = set()
    while os.path.islink(path) and path not in seen:
        seen.add(path)
        target = os.readlink(path)
        path = os.path.normpath(os.path.join(os.path.dirname(path), target))
        chain.append(path)
    return chain


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def merge_field(key, values):
    if isinstance(values[0], bool):
        return all(values)
    if isinstance(values[0], (int, float)):
        if key.endswith("_min"):
            return min(values)
        if key.endswith("_max") or key.endswith("_best"):
            return max(values)
        if all(isinstance(v, int) for v in values):
            return statistics.median_low(values)
        return statistics.median(values)
    return values[0]


def merge_runs(runs):
    first = runs[0]
    merged = {}
    for key, value in first.items():
        values = [r[key] for r in runs]
        merged[key] = merge_runs(values) if isinstance(value, dict) else merge_field(key, values)
    return merged


def load_runs(paths):
    runs = []
    for path in paths.split(","):
        with open(path) as f:
            runs.append(json.load(f))
    return runs


def verdict(ok):
    return "met" if ok else "**not met**"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    load_before = sys.argv[1]
    osp_runs, pt_runs = load_runs(sys.argv[2]), load_runs(sys.argv[3])
    osp, pt = merge_runs(osp_runs), merge_runs(pt_runs)

    oc, pc = osp["convnet"], pt["convnet"]
    oo, po = osp["op_overhead"], pt["op_overhead"]
    om, pm = osp["matmul"], pt["matmul"]
    conv_ratio = oc["ms_per_step_median"] / pc["ms_per_step_median"]
    conv_min_ratio = oc["ms_per_step_min"] / pc["ms_per_step_min"]
    mm_ratio = om["gflops_median"] / pm["gflops_median"]
    loss_match = abs(oc["first_loss"] - pc["first_loss"]) <= 1e-5 * max(1.0, abs(pc["first_loss"]))

    out = []
    w = out.append
    w("# Osprey vs PyTorch: tensor engine benchmarks")
    w("")
    w(f"Measured {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} by `bench/run.sh`.")
    w(f"Load average before the run: {load_before}; after: {load_average()} (on {osp['cores']} cores). "
      "A load above the core count means other work shared the CPU and the numbers are noisy; "
      "re-run `bench/run.sh` on a quiet machine for numbers to quote.")
    if float(load_before.split()[0]) > osp["cores"] and osp["threads"] >= osp["cores"]:
        w("With as many intra-op threads as cores and other work running, libtorch's OpenMP barriers spin-wait for a "
          "descheduled thread, which inflates both engines' conv-net steps several-fold and at random (the CPU time per "
          "step rises with them): compare the fastest-step row, or re-run with THREADS=1, or on a quiet machine.")
    per_run = {name: ", ".join("%.1f" % r["convnet"]["ms_per_step_median"] for r in runs)
               for name, runs in (("pt", pt_runs), ("osp", osp_runs))}
    w(f"Each engine ran {len(osp_runs)} time(s), alternating with the other; each figure is the median over runs "
      "of the per-run medians (fastest: over all runs). Conv-net ms/step per run: "
      f"PyTorch {per_run['pt']}; Osprey {per_run['osp']}.")
    w("")
    w("| workload | PyTorch | Osprey | ratio Osprey/PyTorch | target | |")
    w("| --- | ---: | ---: | ---: | --- | --- |")
    w(f"| conv net fwd+bwd step, batch {oc['batch']} 3x32x32 (ms/step, median of {oc['steps']}) "
      f"| {pc['ms_per_step_median']:.2f} | {oc['ms_per_step_median']:.2f} | {conv_ratio:.3f} | ≤ 1.05x | {verdict(conv_ratio <= 1.05)} |")
    w(f"| conv net step, fastest of {oc['steps']} (ms) | {pc['ms_per_step_min']:.2f} | {oc['ms_per_step_min']:.2f} "
      f"| {conv_min_ratio:.3f} | (less noise-sensitive view) | |")
    w(f"| conv net step, process CPU time (ms/step, median) | {pc['cpu_ms_per_step_median']:.2f} | {oc['cpu_ms_per_step_median']:.2f} "
      f"| {oc['cpu_ms_per_step_median'] / pc['cpu_ms_per_step_median']:.3f} | (all threads; includes spin-waiting) | |")
    w(f"| conv net forward only (ms, median) | {pc['forward_ms_median']:.2f} | {oc['forward_ms_median']:.2f} "
      f"| {oc['forward_ms_median'] / pc['forward_ms_median']:.3f} | | |")
    w(f"| 1x1 `y = x + x` (µs/op; Osprey: scope per 1000 ops) | {po['add_operator_us']:.2f} | {oo['add_scoped_us']:.2f} "
      f"| {oo['add_scoped_us'] / po['add_operator_us']:.3f} | Osprey < 5 µs | {verdict(oo['add_scoped_us'] < 5)} |")
    w(f"| same, process CPU time (µs/op) | {po['add_operator_cpu_us']:.2f} | {oo['add_scoped_cpu_us']:.2f} "
      f"| {oo['add_scoped_cpu_us'] / po['add_operator_cpu_us']:.3f} | (less noise-sensitive view) | |")
    w(f"| 1x1 `x.Add(x)` disposed at once (µs/op; PyTorch: `y = x.add(x)`) | {po['add_method_us']:.2f} | {oo['add_disposed_us']:.2f} "
      f"| {oo['add_disposed_us'] / po['add_method_us']:.3f} | Osprey < 5 µs | {verdict(oo['add_disposed_us'] < 5)} |")
    w(f"| same, process CPU time (µs/op) | {po['add_method_cpu_us']:.2f} | {oo['add_disposed_cpu_us']:.2f} "
      f"| {oo['add_disposed_cpu_us'] / po['add_method_cpu_us']:.3f} | (less noise-sensitive view) | |")
    w(f"| {om['n']}x{om['n']} float32 matmul (GFLOP/s, median of {om['reps']}) | {pm['gflops_median']:.1f} | {om['gflops_median']:.1f} "
      f"| {mm_ratio:.3f} | ≥ 0.90 (within 10%) | {verdict(mm_ratio >= 0.90)} |")
    w(f"| conv-net loop: peak RSS (MiB, VmHWM) | {pc['peak_rss_mib']:.0f} | {oc['peak_rss_mib']:.0f} "
      f"| {oc['peak_rss_mib'] / pc['peak_rss_mib']:.3f} | | |")
    w(f"| conv-net loop: peak RSS minus RSS before the net (MiB) | {pc['peak_rss_mib'] - pc['rss_before_mib']:.0f} "
      f"| {oc['peak_rss_mib'] - oc['rss_before_mib']:.0f} | | | |")
    w("")
    w("Notes:")
    w(f"- Same workloads, shapes, seeds and intra-op threads in both; weights are drawn from the default generator in the same "
      f"order, and the first loss agrees: PyTorch {pc['first_loss']:.7f}, Osprey {oc['first_loss']:.7f} "
      f"({'equal within 1e-5' if loss_match else '**differs**'}).")
    w("- Conv net: parameters are plain tensors with requires_grad (no modules), BN in training mode, cross entropy, "
      "backward, grads cleared (set to none) every step; Osprey runs each step in a TensorScope. No optimizer step.")
    w(f"- Osprey live tensors after each measured step (every run): {oc['live_tensors_first_step']} at the first, "
      f"{oc['live_tensors_last_step']} at the last ({'flat' if oc['live_tensors_flat'] else '**not flat: leak**'}); "
      f"native handles {oc['native_live_tensors_first_step']} -> {oc['native_live_tensors_last_step']} "
      f"({'flat' if oc['native_live_tensors_flat'] else '**not flat: leak**'}).")
    w("- Per-op numbers: PyTorch's include the Python interpreter's own cost (the loop, attribute lookup, argument parsing "
      "in the Python binding); Osprey's include the C# call, argument lowering, the native dispatcher call, the Tensor "
      "wrapper and its disposal.")
    w(f"- Peak RSS is the whole process (runtime + libtorch + work) read from /proc/self/status after the conv-net loop; "
      f"PyTorch's getrusage ru_maxrss agrees: {pc['peak_rss_getrusage_mib']:.0f} MiB.")
    w("")
    w("## Machine")
    w("")
    w(f"- Niceness of the run: {os.nice(0)} (run.sh started under `nice -n N` gets the cores ahead of other work)")
    w(f"- CPU: {cpu_model()}, {osp['cores']} cores; intra-op threads: Osprey {osp['threads']}, PyTorch {pt['threads']}")
    w(f"- libtorch: Osprey `{osp['libtorch']}`, PyTorch `{pt['libtorch']}` ({pt['runtime']}); Osprey on {osp['runtime']}")
    w(f"- BLAS: `{' -> '.join(symlink_chain(BLAS_LINK))}`")
    w(f"- BLAS mapped in the Osprey process: {', '.join(f'`{p}`' for p in osp['blas_mapped']) or 'none'}")
    w(f"- BLAS mapped in the PyTorch process: {', '.join(f'`{p}`' for p in pt['blas_mapped']) or 'none'}")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        w(f"- {var}: {os.environ.get(var, 'not set')}")
    w("- libtorch parallel info (Osprey process):")
    w("")
    w("```")
    w(osp["parallel_info"].rstrip())
    w("```")
    print("\n".join(out))


if __name__ == "__main__":
    main()
