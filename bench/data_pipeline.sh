#!/usr/bin/env bash
# The classification training pipeline alone (decode JPEG, RandomResizedCrop 224 + horizontal flip, to float,
# normalize, batches of 32), no model: Osprey's DataLoader (only each crop's region decoded, and every image decoded
# whole) beside torchvision's DataLoader with PIL (ImageFolder as users run it) and with torchvision.io + tensor
# transforms, at 0 and 2 workers, alternating ROUNDS rounds; medians in images/s. Images: the labelme-examples JPEGs
# of at most 1000 pixels a side (VOC photos, mostly 500 x 375), each linked 8 times. Writes the data-pipeline section
# of bench/RESULTS.md.
# Usage: bench/data_pipeline.sh     ROUNDS=n (default 3)  EPOCHS=n (per measurement, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-3}"
EPOCHS="${EPOCHS:-3}"
photos=bench/out/pipeline-photos/photos
rm -rf "${photos%/photos}" && mkdir -p "$photos"
n=0
while IFS= read -r f; do
  side=$(/usr/bin/python3 -c 'import sys; from PIL import Image; print(max(Image.open(sys.argv[1]).size))' "$f")
  (( side <= 1000 )) || continue
  for r in 0 1 2 3 4 5 6 7; do ln -s "$f" "$photos/$(printf %03d "$n")_$r.jpg"; done
  n=$((n + 1))
done < <(find /usr/share/doc/labelme-examples -name '*.jpg' | sort)
root="${photos%/photos}"
dotnet build bench/DataPipeline -c Release -nologo -v q >/dev/null
osprey() { dotnet bench/DataPipeline/bin/Release/net10.0/DataPipeline.dll "$root" "$1" "$EPOCHS" "$2"; }
torch() { /usr/bin/python3 bench/data_pipeline_torch.py "$root" "$2" "$1" "$EPOCHS"; }
declare -A runs
for round in $(seq "$ROUNDS"); do
  for workers in 0 2; do
    for what in "osprey region" "osprey whole" "torch pil" "torch tensor"; do
      read -r engine variant <<< "$what"
      line=$($engine "$workers" "$variant")
      echo "round $round: $line" >&2
      runs["$variant $workers"]+=" $(sed -E 's/.*: ([0-9.]+) images\/s.*/\1/' <<< "$line")"
    done
  done
done
median() { tr ' ' '\n' <<< "$1" | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
section=$(mktemp)
{
  echo "## Data pipeline: Osprey's loader beside torchvision's (\`bench/data_pipeline.sh\`)"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $((n * 8)) images ($n labelme-examples JPEGs of at most"
  echo "1000 pixels a side, each 8 times), batches of 32, one intra-op thread per worker, $EPOCHS epochs per measurement after one"
  echo "warm-up epoch, median of $ROUNDS alternating rounds (images/s; ratio to torchvision + PIL at the same worker count):"
  echo
  echo "| workers | Osprey, crop regions decoded | Osprey, whole images decoded | torchvision + PIL | torchvision.io + tensor transforms |"
  echo "| ---: | ---: | ---: | ---: | ---: |"
  for workers in 0 2; do
    pil=$(median "${runs[pil $workers]}")
    row="| $workers |"
    for variant in region whole pil tensor; do
      m=$(median "${runs[$variant $workers]}")
      row+=" $m ($(ratio "$m" "$pil")) |"
    done
    echo "$row"
  done
  cat <<'TEXT'

The same augmentation in all four: torchvision's RandomResizedCrop (scale 0.08-1, ratio 3/4-4/3) to 224, a horizontal
flip with p 0.5, to float in [0, 1], ImageNet normalization. PIL resizes with its antialiased bilinear filter; Osprey
and the tensor column with bilinear without antialias, rounded back to uint8 (torchvision's tensor arithmetic).
Workers: torchvision's are processes (each batch pickled back to the main one), Osprey's are threads building whole
batches. The lever is the decode: a random-resized crop keeps on average about half of the image, and Osprey's loader
picks the crop from the JPEG's header and decodes only that region (libjpeg's jpeg_skip_scanlines / jpeg_crop_scanline:
the rows above it are entropy-decoded only, nothing below it is read, the columns outside it are not converted), one
iMCU of margin around it so the chroma upsampling sees what the whole decode sees: the pixels are the whole decode's,
exactly (ImageCodecRegionTests, ImageFolderRegionLoadingTests). Measured on these images, one thread, in one process: whole
decode (file read, decode, CHW layout) 2.7 ms per image, region decode 1.8 ms, the transforms after the crop 1.2 ms.
TEXT
} > "$section"
cat "$section"
/usr/bin/python3 bench/write_section.py bench/RESULTS.md data-pipeline < "$section"
rm -f "$section"
