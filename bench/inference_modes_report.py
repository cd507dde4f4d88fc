"""Writes the markdown of bench/inference_modes.sh from its JSON lines (bench/out/inference-modes/*.json).

Usage: python3 bench/inference_modes_report.py OUT THREADS ITERS ROUNDS STARTED LOAD_BEFORE LOAD_AFTER NICE FAMILIES POLICIES RUN_FAMILIES
"""
import glob, json, os, statistics, subprocess, sys
out, threads, iters, rounds, started, before, after, niceness, families, policies, run_families = sys.argv[1:12]
shapes = {"resnet50": "8x3x224x224", "seresnet50": "8x3x224x224", "unet": "4x3x256x256", "pspnet-r50": "2x3x473x473", "detr-r50": "2x3x512x512",
          "yolo11n": "8x3x640x640", "yolo11n-multiseam": "8x3x640x640"}
def runs(engine, f, p):
    return [json.load(open(x)) for x in sorted(glob.glob(os.path.join(out, f"{engine}-{f}-{p}-*.json")))]
def med(rows, key):
    return statistics.median(r[key] for r in rows)
print("## Inference modes: Osprey plain, fast and bf16 beside PyTorch eager (`bench/inference_modes.sh`)\n")
print(f"Measured {started} by `THREADS={threads} ITERS={iters} ROUNDS={rounds} nice -n {niceness} bench/inference_modes.sh`. "
      f"Load average before: {before}; after: {after} (2 cores; above ~2.5 means other work shared the machine). The ratios "
      "come from alternating runs (Osprey's modes alternate forward by forward in one process, PyTorch's in another, the "
      f"processes alternate round by round) and each figure is the median over {rounds} rounds of the per-run medians of "
      f"{iters} forwards." + ("" if run_families.split() == families.split() else
      f" This run measured {run_families}; the other rows are the same script's earlier run on this machine (bench/out).") + "\n")
print("- Osprey plain: eval, inference mode, BatchNorms apart, NCHW weights. Osprey fast: `InferencePreparation.Prepare(model, "
      "InferenceMode.Fast)` (every conv+BN folded, channels-last weights), the default of `osprey val`/`predict`. Osprey bf16: "
      "`InferenceMode.Bf16` (`--inference bf16`), the fast path under bf16 CPU autocast, outputs returned as float32.")
print("- PyTorch 1.13.1 (Debian), same weights loaded strictly into the reference architectures: eager NCHW under no_grad, "
      "its fast eager path (`torch.fx.experimental.optimization.fuse` where the model traces, else BN kept: marked *, plus "
      "channels-last model and input), and that fast path under `torch.autocast(\"cpu\", dtype=torch.bfloat16)`.\n")
print("| family | input | OMP_WAIT_POLICY | Osprey plain (ms) | Osprey fast (ms) | Osprey bf16 (ms) | fast speed-up | bf16 / fast | "
      "PyTorch eager (ms) | PyTorch fast (ms) | PyTorch bf16 (ms) | eager / Osprey fast | PyTorch fast / Osprey fast | "
      "PyTorch bf16 / Osprey bf16 | folded BN | params plain -> fast | max abs diff from plain: fast, bf16 (output scale) |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
for f in families.split():
    for p in policies.split():
        o, t = runs("osprey", f, p), runs("torch", f, p)
        if not o or not t:
            continue
        op, of, ob = med(o, "plain_ms"), med(o, "fast_ms"), med(o, "bf16_ms")
        te, tf = med(t, "torch_eager_ms"), med(t, "torch_fast_ms")
        tb = None if any(r.get("torch_bf16_ms") is None for r in t) else med(t, "torch_bf16_ms")
        star = "" if all(r["torch_fast_folded"] for r in t) else "*"
        r0 = o[0]
        torch_bf16 = f"{tb:.0f}" if tb else "fails†"
        bf16_ratio = f"{tb / ob:.2f}" if tb else "-"
        print(f"| {f} | {shapes.get(f, '')} | {p} | {op:.0f} | {of:.0f} | {ob:.0f} | {op / of:.2f}x | {of / ob:.2f}x | {te:.0f} | "
              f"{tf:.0f}{star} | {torch_bf16} | {te / of:.2f} | {tf / of:.2f} | {bf16_ratio} | {r0['folded']} | "
              f"{r0['parameters_plain']:,} -> {r0['parameters_fast']:,} | {max(r['max_abs_difference'] for r in o):.2g}, "
              f"{max(r['bf16_max_abs_difference'] for r in o):.2g} ({r0['output_scale']:.3g}) |")
errors = {r["torch_bf16_error"] for f in families.split() for p in policies.split() for r in runs("torch", f, p) if r.get("torch_bf16_error")}
if errors:
    print(f"\n† PyTorch 1.13.1's CPU autocast stops at DETR's LayerNorm: `{'; '.join(sorted(errors))}` (layer_norm is not on its "
          "float32 list, and the kernel refuses a bf16 input with float32 weights). Osprey's LayerNorm normalizes such an input "
          "in float32, as later PyTorch's autocast does.")
int8_rows = [(f, p) for f in families.split() for p in policies.split()
             if runs("osprey", f, p) and all(r.get("int8_ms") for r in runs("osprey", f, p))]
if int8_rows:
    print("\nint8 (ResNet classifiers): Osprey's `Int8ResNet.Quantize(model, calibration)` and PyTorch's FX post-training "
          "quantization with the same scheme (min/max activation observers, per-channel symmetric qint8 weights, onednn "
          "engine), both calibrated on 4 random-normal batches, timed in the same processes as the table above:\n")
    print("| family | input | OMP_WAIT_POLICY | Osprey fast (ms) | Osprey bf16 (ms) | Osprey int8 (ms) | int8 / fast | "
          "PyTorch int8 (ms) | PyTorch int8 / Osprey int8 | max abs diff int8-plain (output scale) |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for f, p in int8_rows:
        o, t = runs("osprey", f, p), runs("torch", f, p)
        of, ob, oi = med(o, "fast_ms"), med(o, "bf16_ms"), med(o, "int8_ms")
        ti = med(t, "torch_int8_ms") if all(r.get("torch_int8_ms") for r in t) else None
        print(f"| {f} | {shapes.get(f, '')} | {p} | {of:.0f} | {ob:.0f} | {oi:.0f} | {of / oi:.2f}x | "
              f"{f'{ti:.0f}' if ti else '-'} | {f'{ti / oi:.2f}' if ti else '-'} | "
              f"{max(r['int8_max_abs_difference'] for r in o):.2g} ({o[0]['output_scale']:.3g}) |")
print("""
Reading the table: the fast path's gain over plain, and PyTorch fast's over eager, are measured in one process each
(alternating forwards), so they hold despite the load; Osprey vs PyTorch compares processes run one after the other.
`OMP_WAIT_POLICY=passive` (OpenMP threads sleep between parallel regions instead of spinning) is the largest lever on a
shared machine, for both engines: `osprey val` and `osprey predict` now set it (unless the environment sets it) before
libtorch loads (`LibTorch.SetNativeEnvironmentDefault`; .NET's own SetEnvironmentVariable does not reach getenv).
Training keeps OpenMP's default: not measured here.

Levers looked at and not landed:
- oneDNN prepacked weights. Debian's libtorch 1.13.1 has `aten::to_mkldnn`, `aten::mkldnn_reorder_conv2d_weight`,
  `aten::mkldnn_convolution` and `aten::to_dense` in the dispatcher (all tensor-valued, so the shim's generic op call
  reaches them), and `mkldnn_prepacked::conv2d_prepack(W, B, stride, padding, dilation, groups, input_size, attr)` /
  `conv2d_run`, whose `ConvOpContext` result is a TorchBind object the shim's result conversion cannot carry (a new
  export holding an IValue would be needed). A PyTorch probe (torchvision resnet50, 4x3x224x224, 2 threads, one round
  in a quieter minute): eager 6772 ms (spinning threads under load), fx-fused 521, fused + channels-last 487,
  `torch.utils.mkldnn.to_mkldnn` (whole net in oneDNN's blocked layout, prepacked weights) 598,
  `torch.jit.freeze` + `optimize_for_inference` 356 ms. Prepacking alone is slower than channels-last; the gain is the
  JIT's conv + add + ReLU post-op fusion on prepacked weights, which needs the prepacked-context ops.
- bf16 weights instead of autocast (every parameter cast once, the input cast at the model's entry): ResNet-50 bs8 in
  PyTorch 105 ms against autocast's 112 (the per-forward weight casts), but every operator then runs in bf16, the box
  decoding and softmaxes included; autocast keeps ATen's precision-sensitive operators in float32.
- int8 beyond the ResNet classifiers: not built (UNet, PSPNet, YOLO and DETR run in float; their quantized
  forms need each block's observer points, and YOLO's SiLU and DETR's attention have no quantized kernels here).
""")
print("\n### Machine\n")
print("```")
print(subprocess.run(["lscpu"], capture_output=True, text=True).stdout.strip())
print("```")
