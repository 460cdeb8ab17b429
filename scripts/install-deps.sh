#!/usr/bin/env bash
# Installs every Debian package intersynth needs. Idempotent: packages already
# present are skipped, and `apt-get update` runs at most once, only when
# something is missing. Needs root (or sudo) when it has to install.
set -euo pipefail

packages=(
  # toolchain (clang-format: scripts/check_format.sh)
  g++ cmake ninja-build ccache pkg-config git clang-format
  # libraries
  libeigen3-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libcli11-dev
  libzip-dev zlib1g-dev libarchive-dev
  # images and video (OpenCV 4.6: core, imgproc, imgcodecs, videoio)
  libopencv-dev
  # offscreen OpenGL 4.5 through EGL without a window (render_gl/: Mesa's
  # llvmpipe on the surfaceless platform)
  libegl-dev libopengl-dev libgl-dev libegl-mesa0 libgl1-mesa-dri
  # LibTorch with the OpenMP OpenBLAS (DESIGN.md)
  libtorch-dev libopenblas0-openmp
  # Gloo headers for data-parallel training (c10d ProcessGroupGloo)
  libgloo-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # NumPy interoperability tests (and reference scripts)
  python3 python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
