#!/usr/bin/env bash
# Osprey fp32 (fast), bf16 and int8 against ONNX Runtime fp32 on the same model, weights and input: one process per
# family, the four paths alternating in blocks of forwards (bench/ReducedPrecision). Writes the "reduced-precision-ort"
# section of bench/RESULTS.md. Run it on a quiet machine.
# Usage: bench/reduced_precision.sh   THREADS=n (default 2)  ROUNDS=n (default 9)  FAMILIES="resnet50 seresnet50"
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
FAMILIES="${FAMILIES:-resnet50 seresnet50}"
OUT=bench/out/reduced-precision
mkdir -p "$OUT"
dotnet build bench/ReducedPrecision -c Release -nologo -v q >/dev/null
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
before="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
rows=""
for f in $FAMILIES; do
  echo "== $f 8x3x224x224" >&2
  rows+="$(dotnet bench/ReducedPrecision/bin/Release/net10.0/ReducedPrecision.dll "$f" 224 8 "$THREADS" "$ROUNDS" "$OUT")"$'\n'
done
after="$(cut -d' ' -f1-3 /proc/loadavg)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores, bf16 kernels: $(./osprey doctor 2>/dev/null | awk -F'|' '/bf16 kernels/ {gsub(/^ +| +$/, "", $3); print $3}' || true)"
/usr/bin/python3 - "$started" "$before" "$after" "$THREADS" "$ROUNDS" "$cpu" <<PY | /usr/bin/python3 bench/write_section.py bench/RESULTS.md reduced-precision-ort
import json, sys
started, before, after, threads, rounds, cpu = sys.argv[1:7]
rows = [json.loads(line) for line in """$rows""".splitlines() if line.strip()]
print("## Reduced precision against ONNX Runtime (\`bench/reduced_precision.sh\`)\n")
print(f"Measured {started}, {cpu}, {threads} threads, OMP_WAIT_POLICY=passive, load average {before} before and {after} "
      f"after. One process per model: Osprey's fast fp32 path, \`--inference bf16\`, \`--inference int8\` (calibrated on 4 "
      f"random-normal batches) and ONNX Runtime 1.31.1 fp32 (all graph optimizations) on Osprey's export of the same "
      f"weights, alternating in blocks (each path one untimed and 3 timed forwards per round, {rounds} rounds); medians, "
      f"ms per batch of 8x3x224x224.\n")
print("| model | ORT fp32 | Osprey fp32 | Osprey bf16 | Osprey int8 | fp32 vs ORT | bf16 vs ORT | int8 vs ORT |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in rows:
    o = r["ort_ms"]
    int8 = f"{r['int8_ms']:.0f}" if r["int8_ms"] else "-"
    ratio = f"{o / r['int8_ms']:.2f}x" if r["int8_ms"] else "-"
    print(f"| {r['family']} | {o:.0f} | {r['fast_ms']:.0f} | {r['bf16_ms']:.0f} | {int8} | {o / r['fast_ms']:.2f}x | "
          f"{o / r['bf16_ms']:.2f}x | {ratio} |")
print("\nTargets of the issue: fp32 >= ORT, bf16 >= 1.5x ORT fp32, int8 >= 2x ORT fp32 on the CNN classifier.")
PY
sed -n '/reduced-precision-ort:begin/,/reduced-precision-ort:end/p' bench/RESULTS.md
