#!/usr/bin/env bash
# Installs dependencies (if missing), builds, and runs every test with ctest.
# Tests that need ../shared/data skip with a printed reason when it is absent.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/install-deps.sh"
source "$here/env.sh"
"$here/build.sh" "$@"
cd "$INTERSYNTH_BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 600
