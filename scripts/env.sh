# Environment shared by the scripts (sourced, not run).
# OPENBLAS_CORETYPE: DESIGN.md measured ~5x faster matrix products with the
# right kernel named explicitly: SkylakeX when the CPU has avx512f, else Haswell.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  if grep -q avx512f /proc/cpuinfo 2>/dev/null; then
    export OPENBLAS_CORETYPE=SkylakeX
  else
    export OPENBLAS_CORETYPE=Haswell
  fi
fi
INTERSYNTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export INTERSYNTH_ROOT
export INTERSYNTH_BUILD_DIR="${INTERSYNTH_BUILD_DIR:-$INTERSYNTH_ROOT/build}"
# Shared data for the integration tests (skipped when absent).
export INTERSYNTH_DATA="${INTERSYNTH_DATA:-$INTERSYNTH_ROOT/../shared/data}"
# ccache lives in the build folder's parent cache unless told otherwise.
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
