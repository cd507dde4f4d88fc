#!/usr/bin/env bash
# A short YOLO for the main job (run.sh calls it after setup): yolo11n trained for about a minute and a half on a
# fixed tenth of the built-in fashion-scenes, validated (ultralytics' table and COCO's 12 numbers), then predicting
# on six validation scenes with the annotated pictures saved. Not a trained detector: a minute of CPU shows the
# workflow (train, val, predict --save), the 60-minute recipe is bench/yolo.sh.
# Extra arguments go to `osprey train`. Assumes the Release build (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
run=runs/detect/yolo_demo
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# 200 scenes at 256 px (validated once, after training), 2 epochs of batch 8 with a step per batch (nbs 8) at AdamW 0.002; mosaic for the first epoch
# only (close_mosaic 1). See bench/yolo.sh for why these differ from ultralytics' defaults on a CPU budget.
./osprey train --task detect --model yolo11n --data fashion-scenes --epochs 2 --batch 8 --imgsz 256 --workers 1 --seed 0 \
  --name yolo_demo --set exist_ok=true --set fraction=0.1 --set close_mosaic=1 --set optimizer=adamw --set lr0=0.002 \
  --set nbs=8 --set warmup_epochs=1 --set warmup_bias_lr=0 --set val=false "$@" | tee "$log"
scenes=$(sed -n 's/^osprey train: .* on fashion-scenes (\(.*\)): .*/\1/p' "$log" | head -1)
./osprey val --weights "$run/best.ckpt"
# A minute-old detector scores low: show its 20 best boxes per scene above confidence 0.01.
./osprey predict --weights "$run/best.ckpt" --source $(ls "$scenes"/images/val/* | head -6) --conf 0.01 --max-det 20 --save --save-dir "$run/predict"
echo "YOLO pictures: $run/predict (boxes on 6 validation scenes), $run/results.png, $run/val_batch0_pred.jpg; all of it in $run/report.html"
