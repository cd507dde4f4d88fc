#!/usr/bin/env bash
# A real-photo check of the detect task: dlib's example faces (Debian package libdlib19.1: 9 PASCAL VOC photos,
# examples/faces/training.xml with 4 images / 18 boxes and testing.xml with 5 images / 25 boxes, imglab XML) read
# directly (--data training.xml; testing.xml is found beside it), a short face fine-tune, val, and predict --save.
# The package is only downloaded and unpacked (apt-get download + dpkg-deb -x), not installed.
# Usage: scripts/dlib_faces.sh [extra osprey train arguments, e.g. --set weights=yolo11n.pt]
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
work="${DLIB_DIR:-${TMPDIR:-/tmp}/osprey-dlib}"
faces="$work/usr/share/doc/libdlib19.1/examples/faces"
if [ ! -f "$faces/training.xml" ]; then
  mkdir -p "$work"
  (cd "$work" && apt-get download libdlib19.1 && dpkg-deb -x libdlib19.1_*.deb "$work" && rm -f libdlib19.1_*.deb)
fi
run=runs/detect/dlib_faces
./osprey train --task detect --model yolo11n --data "$faces/training.xml" --epochs 30 --batch 4 --imgsz 320 --workers 1 \
  --seed 0 --name dlib_faces --set exist_ok=true --set close_mosaic=5 "$@"
./osprey val --weights "$run/best.ckpt"
./osprey predict --weights "$run/best.ckpt" --source "$faces"/2008_002470.jpg "$faces"/2008_002506.jpg "$faces"/2008_004176.jpg \
  "$faces"/2008_007676.jpg "$faces"/2009_004587.jpg --save --save-dir "$run/predict"
echo "faces: $run/predict"
