#!/usr/bin/env bash
# Inference speed per family: Osprey native (eval, YOLO fused: "plain"; and predict's default "fast": every conv+BN
# folded, channels-last weights), ONNX Runtime CPU on Osprey's exported file, PyTorch eager
# (the same weights, loaded strictly into the reference architectures), same threads and shapes, one after the other.
# Prints a markdown table (and writes it to bench/out/inference.md). Heavy: run it on a quiet machine.
# Usage: bench/inference.sh            THREADS=n (default: cores)  ITERS=n (default 20)
#        FAMILIES="resnet18 yolo11n"   (default: every family below, each at its own size)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${THREADS:-$(nproc)}"
ITERS="${ITERS:-20}"
OUT=bench/out/inference
mkdir -p "$OUT"
declare -A SIZE=([resnet18]=224 [seresnet50]=224 [unet]=256 [unet-valid]=572 [pspnet-r50]=473 [yolo11n]=640 [yolo11n-seam]=640 [yolo11n-multiseam]=640 [detr-r50]=800)
FAMILIES="${FAMILIES:-resnet18 seresnet50 unet unet-valid pspnet-r50 yolo11n yolo11n-seam yolo11n-multiseam detr-r50}"
dotnet build bench/Inference -c Release -nologo -v q >/dev/null
table="$OUT/../inference.md"
{
  echo "| family | input | Osprey plain (ms) | Osprey fast (ms) | ONNX Runtime (ms) | PyTorch eager (ms) | ORT / Osprey fast | PyTorch / Osprey fast |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
} > "$table"
for f in $FAMILIES; do
  s="${SIZE[$f]}"
  echo "== $f at ${s}x${s}, batch 1, $THREADS threads" >&2
  o="$(dotnet bench/Inference/bin/Release/net10.0/Inference.dll "$f" "$s" 1 "$THREADS" "$ITERS" "$OUT")"
  t="$(/usr/bin/python3 bench/inference_torch.py "$f" "$s" 1 "$THREADS" "$ITERS" "$OUT")"
  /usr/bin/python3 - "$o" "$t" "$s" >> "$table" <<'PY'
import json, sys
o, t, s = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print(f"| {o['family']} | 1x{s}x{s} | {o['osprey_ms']:.1f} | {o['fast_ms']:.1f} | {o['ort_ms']:.1f} | {t['torch_ms']:.1f} | "
      f"{o['ort_ms'] / o['fast_ms']:.2f} | {t['torch_ms'] / o['fast_ms']:.2f} |")
PY
done
cat "$table"
