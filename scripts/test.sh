#!/usr/bin/env bash
# Installs dependencies (if missing), builds, and runs every test with ctest.
# Tests that need ../shared/data skip with a printed reason when it is absent.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/install-deps.sh"
source "$here/env.sh"
# Structural checks first (seconds): one definition per type, Torch only in
# Torch folders (scripts/check_tree.py), every source formatted
# (scripts/check_format.sh).
python3 "$here/check_tree.py"
"$here/check_format.sh"
"$here/build.sh" "$@"
cd "$INTERSYNTH_BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 600
