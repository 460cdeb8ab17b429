#!/usr/bin/env bash
# Installs dependencies (if missing), builds, and runs `intersynth demo` on the
# bundled assets. Output goes to out/demo/ (override with INTERSYNTH_DEMO_OUT).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/install-deps.sh"
source "$here/env.sh"
"$here/build.sh"
out="${INTERSYNTH_DEMO_OUT:-$INTERSYNTH_ROOT/out/demo}"
mkdir -p "$out"
"$INTERSYNTH_BUILD_DIR/apps/intersynth/intersynth" demo --assets "$INTERSYNTH_ROOT/assets" --out "$out"
