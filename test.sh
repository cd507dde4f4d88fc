#!/usr/bin/env bash
# Set up (idempotent), run every test, then the golden suites again under other CPU kernels (oneDNN instruction sets
# and ATen's dispatch levels, as another machine would pick them), and end with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh Release
rm -rf TestResults
status=0
dotnet test Osprey.sln -c Release --no-build --logger "trx" --results-directory TestResults "$@" || status=$?
# The golden suites compare with fixtures made on some other CPU: they must hold whichever kernels this one runs.
golden="FullyQualifiedName~Golden|FullyQualifiedName~InitTests"
for kernels in ONEDNN_MAX_CPU_ISA=SSE41 ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=default ATEN_CPU_CAPABILITY=avx2; do
  env "$kernels" dotnet test tests/Osprey.Torch.Tests -c Release --no-build --filter "$golden" \
    --logger "trx;LogFileName=golden-${kernels//[=_]/-}.trx" --results-directory TestResults >/dev/null || { echo "golden suites failed under $kernels"; status=1; }
  # The image transforms compare with torchvision's outputs (fixtures) through the same float kernels.
  env "$kernels" dotnet test tests/Osprey.Tests -c Release --no-build --filter "FullyQualifiedName~Data.Transforms" \
    --logger "trx;LogFileName=transforms-${kernels//[=_]/-}.trx" --results-directory TestResults >/dev/null || { echo "transform tests failed under $kernels"; status=1; }
done
passed=0; failed=0
for trx in TestResults/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")))
  failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")))
done
if [ "$passed" -eq 0 ] && [ "$status" -ne 0 ]; then failed=$((failed > 0 ? failed : 1)); fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
