#!/usr/bin/env bash
# Inference levers per family, Osprey beside PyTorch 1.13.1 at the issue's shapes: Osprey plain (eval, BN apart, NCHW)
# and fast (InferencePreparation: conv+BN folded, channels-last) in one process (bench/InferenceModes), PyTorch eager
# and its fast eager path (fx fuse + channels-last) in another (bench/inference_modes_torch.py); the two processes
# alternate ROUNDS times under each OpenMP wait policy of POLICIES. Figures are medians over rounds of the per-run
# medians. ResNet classifiers also run in int8 (Osprey's Int8ResNet, PyTorch's FX post-training quantization). Writes
# the "inference-modes" section of bench/RESULTS.md from every family measured so far in bench/out (a run of some
# FAMILIES replaces their rows only).
# Usage: bench/inference_modes.sh   THREADS=n (default 2)  ITERS=n (default 5)  ROUNDS=n (default 2)
#        FAMILIES="seresnet50 yolo11n"  POLICIES="default passive"
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${THREADS:-2}"
ITERS="${ITERS:-5}"
ROUNDS="${ROUNDS:-2}"
POLICIES="${POLICIES:-default passive}"
OUT=bench/out/inference-modes
mkdir -p "$OUT"
declare -A SHAPE=([resnet50]="224 8" [seresnet50]="224 8" [unet]="256 4" [pspnet-r50]="473 2" [detr-r50]="512 2" [yolo11n]="640 8" [yolo11n-multiseam]="640 8")
ORDER="resnet50 seresnet50 unet pspnet-r50 detr-r50 yolo11n yolo11n-multiseam"
FAMILIES="${FAMILIES:-$ORDER}"
for f in $FAMILIES; do for p in $POLICIES; do rm -f "$OUT"/osprey-"$f"-"$p"-*.json "$OUT"/torch-"$f"-"$p"-*.json; done; done
dotnet build bench/InferenceModes -c Release -nologo -v q >/dev/null
dotnet build-server shutdown >/dev/null 2>&1 || true
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
STARTED="$(date -u '+%Y-%m-%d %H:%M UTC')"
for f in $FAMILIES; do
  read -r s b <<<"${SHAPE[$f]}"
  for round in $(seq 1 "$ROUNDS"); do
    for policy in $POLICIES; do
      env=(); [ "$policy" != default ] && env=(OMP_WAIT_POLICY="$policy")
      echo "== $f ${b}x${s}x${s}, round $round/$ROUNDS, OMP_WAIT_POLICY=$policy" >&2
      env "${env[@]}" dotnet bench/InferenceModes/bin/Release/net10.0/InferenceModes.dll "$f" "$s" "$b" "$THREADS" "$ITERS" "$OUT" \
        > "$OUT/osprey-$f-$policy-$round.json"
      env "${env[@]}" /usr/bin/python3 bench/inference_modes_torch.py "$f" "$s" "$b" "$THREADS" "$ITERS" "$OUT" \
        > "$OUT/torch-$f-$policy-$round.json"
    done
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
MEASURED="$(for f in $ORDER; do for p in $POLICIES; do ls "$OUT"/osprey-"$f"-"$p"-*.json; done >/dev/null 2>&1 && echo "$f"; done | xargs)"
/usr/bin/python3 bench/inference_modes_report.py "$OUT" "$THREADS" "$ITERS" "$ROUNDS" "$STARTED" "$LOAD_BEFORE" "$LOAD_AFTER" "$(nice)" \
  "$MEASURED" "$POLICIES" "$FAMILIES" | /usr/bin/python3 bench/write_section.py bench/RESULTS.md inference-modes
sed -n '/inference-modes:begin/,/inference-modes:end/p' bench/RESULTS.md
