#!/usr/bin/env bash
# Peak resident memory (VmHWM) of inference per family at issue 18's shapes: Osprey plain, fast, and fast with large
# buffers returned to the system (what osprey val / predict run), beside PyTorch eager (no_grad) and its fast eager
# path, each in its own process with random weights; prints a markdown table (also bench/out/inference_memory.md).
# Usage: bench/inference_memory.sh     THREADS=n (default: cores)  ITERS=n (forwards per process, default 3)
#        FAMILIES="unet pspnet-r50"     (default: every family below)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${THREADS:-$(nproc)}"
ITERS="${ITERS:-3}"
declare -A SHAPE=([seresnet50]="224 8" [unet]="256 4" [pspnet-r50]="473 2" [detr-r50]="512 2" [yolo11n]="640 8" [yolo11n-multiseam]="640 8")
FAMILIES="${FAMILIES:-seresnet50 unet pspnet-r50 detr-r50 yolo11n yolo11n-multiseam}"
dotnet build bench/InferenceMemory -c Release -nologo -v q >/dev/null
mkdir -p bench/out
table=bench/out/inference_memory.md
peak() { python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print("%.0f (%.0f)" % (d["peak_mib"], d["rss_mib"]["model"]))'; }
{
  echo "| family | input | Osprey plain | Osprey fast | Osprey val/predict | PyTorch eager | PyTorch fast |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
} > "$table"
for f in $FAMILIES; do
  read -r size batch <<< "${SHAPE[$f]}"
  echo "== $f ${batch}x3x${size}x${size}" >&2
  row="| $f | ${batch}x3x${size}x${size} |"
  for mode in plain fast predict; do
    row+=" $(dotnet bench/InferenceMemory/bin/Release/net10.0/InferenceMemory.dll "$f" "$size" "$batch" "$THREADS" "$ITERS" "$mode" | peak) |"
  done
  for mode in plain fast; do
    row+=" $(/usr/bin/python3 bench/inference_memory_torch.py "$f" "$size" "$batch" "$THREADS" "$ITERS" "$mode" 2>/dev/null | peak) |"
  done
  echo "$row" | tee -a "$table"
done
