#!/usr/bin/env bash
# Fuzzes Osprey's readers with seeded mutations of valid files (bench/HostileFiles) and writes the counts
# (decoded / refused / unexpected exception / crashed / hung) to the "hostile-fuzz" section of bench/RESULTS.md.
# Usage: bench/fuzz.sh [CASES]   (default 10000 per kind; runs at nice 19)
#   SEED=n  the mutation seed (default 1)    TIMEOUT=s  per-case limit before a case counts as hung (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
CASES="${1:-10000}"
SEED="${SEED:-1}"
TIMEOUT="${TIMEOUT:-20}"
dotnet build bench/HostileFiles -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
DLL=bench/HostileFiles/bin/Release/net10.0/HostileFiles.dll
status=0
{
  echo "## Fuzzing the readers"
  echo
  echo "\`bench/fuzz.sh $CASES\` ($(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)): each case is a valid file"
  echo "(the torch.save fixtures and a training checkpoint; the fixture PNGs and JPEGs; the JPEGs again read a region at a"
  echo "time, as a random-resized crop's loader reads them) with 1-4 seeded mutations (bit flips,"
  echo "boundary integers, truncation, duplicated, deleted or inserted runs); half the cases repair the checksums after"
  echo "mutating (zip members re-zipped with correct CRCs, PNG chunk CRCs recomputed) so the mutation reaches the parser."
  echo "Refused = a TorchException / ImageDecodeException / InvalidDataException / IOException naming the file; unexpected ="
  echo "any other exception, or a message without the file's name; crashed = the process died; hung = silent past ${TIMEOUT} s;"
  echo "the memory column counts cases whose peak RSS grew by more than 1 GB."
  echo
  for kind in checkpoint image image-region; do
    nice -n 19 dotnet "$DLL" fuzz --kind "$kind" --cases "$CASES" --seed "$SEED" --timeout-s "$TIMEOUT" || status=1
    echo
  done
} > bench/out-fuzz.md
mkdir -p bench/out && mv bench/out-fuzz.md bench/out/fuzz.md
python3 bench/write_section.py bench/RESULTS.md hostile-fuzz < bench/out/fuzz.md
cat bench/out/fuzz.md
exit $status
