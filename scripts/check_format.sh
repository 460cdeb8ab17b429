#!/usr/bin/env bash
# Fails when a C++ source (src/, apps/, bench/) differs from what
# clang-format makes of it (.clang-format; Debian's clang-format 14).
#   scripts/check_format.sh          # check: lists the files, exits 1
#   scripts/check_format.sh --fix    # reformat them in place
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v clang-format >/dev/null; then
  echo "check_format: clang-format is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files -- 'src/*.h' 'src/*.cc' 'apps/*.h' 'apps/*.cc' 'bench/*.h' 'bench/*.cc' 2>/dev/null ||
  find src apps bench -name '*.h' -o -name '*.cc')
# Files not yet committed are checked too.
mapfile -t -O "${#files[@]}" files < <(git ls-files --others --exclude-standard -- 'src/*.h' 'src/*.cc' \
  'apps/*.h' 'apps/*.cc' 'bench/*.h' 'bench/*.cc' 2>/dev/null || true)
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  echo "check_format: formatted ${#files[@]} files"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "check_format: ${#bad[@]} of ${#files[@]} files are not formatted (scripts/check_format.sh --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files formatted" >&2
