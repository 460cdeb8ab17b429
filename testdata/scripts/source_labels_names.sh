#!/bin/sh
# Makes the name listings under testdata/source_labels/ that
# src/intersynth/motion/source_labels_test.cc parses (every line must parse):
#   bandai_names.txt     one BVH name per (dataset, content, style) of
#                        bandai_namco.tar.xz (the first take of each, by sort order)
#   hdm05_names.txt      every AMC path of hdm05.tar.xz (folder layout kept: the split)
#   reactidle_names.txt  every BVH path of reactidle.tar.xz
# Usage: sh testdata/scripts/source_labels_names.sh [shared/data/mocap]
set -e
mocap="${1:-../shared/data/mocap}"
out="$(dirname "$0")/../source_labels"
mkdir -p "$out"
tar -tJf "$mocap/bandai_namco.tar.xz" | grep '\.bvh$' | sed 's|.*/||' | sort \
  | awk -F_ '!seen[$1 "_" $2 "_" $3]++' > "$out/bandai_names.txt"
tar -tJf "$mocap/hdm05.tar.xz" | grep -i '\.amc$' | sort > "$out/hdm05_names.txt"
tar -tJf "$mocap/reactidle.tar.xz" | grep '\.bvh$' | sort > "$out/reactidle_names.txt"
wc -l "$out"/*.txt
