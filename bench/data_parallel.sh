#!/usr/bin/env bash
# Data-parallel throughput: `osprey train` as 1 process x 1 thread, 1 process x 2 threads and 2 ranks x 1 thread
# (--nproc 2, the cores divided), on a generated 2-class folder of 32x32 images, a width-16 ResNet-18, global batch 16,
# validation off. Prints the images/s of the second epoch's summary line (the first one includes warm-up), and for the
# 2 ranks the mean time per step in the gradient all-reduces (Gloo on 127.0.0.1, waiting for the slower rank included).
# Usage: [WIDTH=16] [IMGSZ=32] bench/data_parallel.sh [images-per-class]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cli="$here/src/Osprey.Cli/bin/Release/net10.0/Osprey.Cli.dll"
per_class=${1:-128}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/data" "$per_class" <<'PY'
import os, random, struct, sys, zlib
root, n = sys.argv[1], int(sys.argv[2])
def png(path, rows):
    raw = b"".join(b"\x00" + bytes(v for p in row for v in (p, p, p)) for row in rows)
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
random.seed(1)
for split in ("train", "val"):
    for c, name in enumerate(("top", "bottom")):
        for i in range(n if split == "train" else 4):
            png(f"{root}/{split}/{name}/{i}.png", [[(200 if (y < 16) == (c == 0) else 30) + random.randint(0, 40) for _ in range(32)] for y in range(32)])
PY
common=(train --data "$work/data" --model resnet18 --width "${WIDTH:-16}" --imgsz "${IMGSZ:-32}" --epochs 2 --batch 16 --workers 0 --set val=false "project=$work/runs" exist_ok=true)
rate() { grep -E '^epoch 2/2  train' | sed -E 's/.* ([0-9,]+) img\/s.*/\1/'; }
echo "1 process x 1 thread:  $(OMP_NUM_THREADS=1 dotnet "$cli" "${common[@]}" --name p1t1 | rate) img/s"
echo "1 process x 2 threads: $(OMP_NUM_THREADS=2 dotnet "$cli" "${common[@]}" --name p1t2 | rate) img/s"
ranks=$(dotnet "$cli" "${common[@]}" --name p2t1 --nproc 2 --master-port 29613 | grep -E '^epoch 2/2  train')
echo "2 ranks x 1 thread:    $(rate <<<"$ranks") img/s, gradient all-reduce $(sed -E 's/.*all-reduce ([0-9.]+) ms\/step.*/\1/' <<<"$ranks") ms/step"
