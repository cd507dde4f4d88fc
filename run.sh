#!/usr/bin/env bash
# The main job: set up (idempotent), then run Osprey on its built-in default.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh Release
./osprey doctor "$@"
