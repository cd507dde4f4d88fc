#!/usr/bin/env bash
# The main job: set up (idempotent), then train an SE-ResNet on Fashion-MNIST for a short default schedule,
# evaluate it on the test set, and classify a few exported test images; then a short YOLO11n detection run
# (scripts/yolo_demo.sh: train, val, predict with boxes drawn).
# Extra arguments go to `osprey train` (e.g. ./run.sh --epochs 3 --set fraction=1).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh Release
run=runs/classify/quickstart
# OpenMP threads sleep instead of spinning while they wait: on a machine whose cores are shared with other work,
# spinning threads stall each other (measured: 27 vs 127 images/s with 2 threads on 2 busy cores).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
# SE-ResNet-18 at width 16 (small stem for 28x28), 1 epoch on a fixed 10% of the training set: about a minute on 2 cores
# (what a bare `osprey train` runs, TrainCommand.Quickstart, here with a fixed run name).
./osprey train --task classify --model seresnet18 --width 16 --data fashion-mnist --epochs 1 --batch 64 --lr 0.05 \
  --workers 1 --seed 0 --name quickstart --set exist_ok=true --set fraction=0.1 --set label_smoothing=0.1 --set warmup_epochs=0.2 "$@"
echo "pictures of the run: $run/results.png, $run/confusion_matrix.png, $run/train_batch0.jpg, $run/val_batch0_pred.jpg; all of it in $run/report.html"
./osprey val --weights "$run/best.ckpt" --data fashion-mnist
rm -rf "$run/samples"
./osprey samples --data fashion-mnist --split val --count 8 --out "$run/samples" >/dev/null
echo "top-5 for 8 test images (file names carry the true class):"
./osprey predict --weights "$run/best.ckpt" --source "$run/samples"
echo "--- detection: a short YOLO11n on the built-in fashion-scenes (train, val, predict --save) ---"
scripts/yolo_demo.sh
