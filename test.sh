#!/usr/bin/env bash
# Set up (idempotent), run every test, and end with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh Release
rm -rf TestResults
status=0
dotnet test Osprey.sln -c Release --no-build --logger "trx" --results-directory TestResults "$@" || status=$?
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
