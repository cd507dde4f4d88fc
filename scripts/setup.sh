#!/usr/bin/env bash
# Idempotent set-up on Debian 12: apt packages, the optimized BLAS, the native shim, the .NET build.
# Usage: scripts/setup.sh [Release|Debug]
set -euo pipefail
cd "$(dirname "$0")/.."
configuration="${1:-Release}"

packages=(
  libtorch-dev cmake g++ make            # the native shim against Debian's libtorch 1.13.1
  libgloo-dev                            # headers of the Gloo backend behind c10d (distributed training)
  libopenblas0-pthread                   # optimized BLAS behind libblas.so.3 (the reference BLAS is ~100x slower)
  libturbojpeg0-dev libjpeg62-turbo-dev libpng-dev   # image codecs (JPEG incl. CMYK and regions, PNG)
  libtiff-dev libwebp-dev pkg-config     # TIFF and WebP decoding (native/codecs)
  dataset-fashion-mnist                  # the built-in default dataset
  labelme-examples                       # real VOC-format photos with palette masks (segmentation dataset tests)
  python3-torch python3-torchvision python3-yaml  # the PyTorch reference for golden tests and benchmarks
  python3-onnx                           # onnx.checker for the exported ONNX files (tests)
  python3-pil                            # tools/reference/write_hostile_files.py (JPEG headers)
  fonts-dejavu-core                      # the font of labels and plots (Osprey.Visuals)
  chromium                               # headless browser that checks report.html in the tests
)

missing=()
for p in "${packages[@]}"; do
  [[ "$p" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# libtorch calls the system libblas.so.3: make sure it is OpenBLAS, not the reference implementation.
blas_link=libblas.so.3-x86_64-linux-gnu
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
if [ "$(update-alternatives --query "$blas_link" 2>/dev/null | sed -n 's/^Value: //p')" != "$openblas" ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo update-alternatives --set "$blas_link" "$openblas"
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is required and not on PATH" >&2; exit 1; }

cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build native/build -j"$(nproc)" >/dev/null
dotnet build Osprey.sln -c "$configuration" -v quiet -nologo -clp:ErrorsOnly
