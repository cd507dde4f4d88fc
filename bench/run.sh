#!/usr/bin/env bash
# Builds the native shim and Osprey.Bench in Release, runs the built benchmark and its PyTorch twin
# (bench/torch_bench.py) with the same threads, alternating ROUNDS times, and writes bench/RESULTS.md.
# Usage: bench/run.sh [flags for both, e.g. --steps 20]
#   THREADS=n  intra-op threads for both (default: cores)    ROUNDS=n  alternating runs per engine (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS="${THREADS:-$(nproc)}"
ROUNDS="${ROUNDS:-3}"
OUT=bench/out
mkdir -p "$OUT"
rm -f "$OUT"/osprey-*.json "$OUT"/torch-*.json

cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build native/build -j"$(nproc)" >/dev/null
dotnet build bench/Osprey.Bench -c Release -nologo -v q
# The build server would otherwise keep competing for the cores while we measure.
dotnet build-server shutdown >/dev/null 2>&1 || true

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
osprey_runs=()
torch_runs=()
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round/$ROUNDS: Osprey ($THREADS threads)" >&2
  dotnet bench/Osprey.Bench/bin/Release/net10.0/Osprey.Bench.dll --threads "$THREADS" --json "$OUT/osprey-$round.json" "$@" >/dev/null
  echo "== round $round/$ROUNDS: PyTorch ($THREADS threads)" >&2
  /usr/bin/python3 bench/torch_bench.py --threads "$THREADS" --json "$OUT/torch-$round.json" "$@" >/dev/null
  osprey_runs+=("$OUT/osprey-$round.json")
  torch_runs+=("$OUT/torch-$round.json")
done
join() { local IFS=,; echo "$*"; }
/usr/bin/python3 bench/report.py "$LOAD_BEFORE" "$(join "${osprey_runs[@]}")" "$(join "${torch_runs[@]}")" > bench/RESULTS.md
cat bench/RESULTS.md
