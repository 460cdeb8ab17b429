#!/usr/bin/env bash
# Configures and builds intersynth into $INTERSYNTH_BUILD_DIR (default build/).
# Extra arguments go to cmake's configure step, e.g. -DINTERSYNTH_SANITIZE=ON.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$INTERSYNTH_ROOT"
cmake -S . -B "$INTERSYNTH_BUILD_DIR" -G Ninja "$@"
# Two cores; each Torch translation unit needs ~1.5 GB, which 24 GiB allows.
cmake --build "$INTERSYNTH_BUILD_DIR" -j "$(nproc)"
