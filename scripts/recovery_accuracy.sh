#!/usr/bin/env bash
# Recovery accuracy on simulated keypoints (issue 14).
#
# For the clips listed in CLIPS (default scripts/recovery_accuracy_clips.txt,
# the 12 of docs/recovery.md's tables), or with CLIPS=split for N clips spread
# evenly over a dataset's test split (those with at least MIN_FRAMES frames, in
# test.txt order; dataset from `intersynth data build`, see docs/datasets.md),
# this
#   1. projects the clip through a known camera (2.5 m high, 30 deg down,
#      640x480, fx = fy = 525) with NOISE_PX pixel noise and DROP of the
#      keypoints dropped, into COCO-17 keypoint JSON and a scene folder
#      (`intersynth keypoints simulate`, seed SEED + clip number);
#   2. recovers the motion from them with each method
#      (`intersynth recover --method temporal`, `--method per-frame`,
#      `--method per-frame --smooth`; with START_NOISE_MM, also temporal
#      fitting started from the true joints plus that much Gaussian noise,
#      `--start-from CLIP --start-noise-mm N`: what the hybrid path gives
#      with a regressor of about that error, and that start itself posed on
#      the body model without fitting, `--iterations 0`);
#   3. measures each recovery against the clip (`intersynth pose-error
#      --joints JOINTS --json`),
# and writes a markdown table of the means over clips per method (W-MPJPE,
# MPJPE, PA-MPJPE in mm, acceleration error in mm/frame^2;
# src/intersynth/eval_metrics/pose_error.h) to OUT/results.md and stdout. A recovery
# that fails is logged (OUT/<clip>/<method>.log) and counted, not averaged.
#
# Usage:
#   scripts/recovery_accuracy.sh INTERSYNTH DATASET_DIR [N=20] [OUT=recovery_accuracy]
# Environment: JOINTS (all | coco12, default all), NOISE_PX (3), DROP (0.2),
#   CLIPS (scripts/recovery_accuracy_clips.txt; "split" picks N from test.txt),
#   SEED (0), MIN_FRAMES (60), START_NOISE_MM (unset; e.g. "0 50"), BASE (1;
#   0 leaves out the three methods above), RECOVER_ARGS (unset; flags added to
#   every recover, e.g. "--optimizer lbfgs --prior assets/priors/pose_gmm32.npz").
# Example:
#   scripts/recovery_accuracy.sh build/apps/intersynth/intersynth data/mocap20 20 out/recovery
set -euo pipefail

if [[ $# -lt 2 || $# -gt 4 ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
BIN=$1
DATA=$2
N=${3:-20}
OUT=${4:-recovery_accuracy}
JOINTS=${JOINTS:-all}
NOISE_PX=${NOISE_PX:-3}
DROP=${DROP:-0.2}
SEED=${SEED:-0}
MIN_FRAMES=${MIN_FRAMES:-60}
START_NOISE_MM=${START_NOISE_MM:-}
BASE=${BASE:-1}
CLIPS=${CLIPS:-$(dirname "$0")/recovery_accuracy_clips.txt}

[[ -x "$BIN" ]] || { echo "$BIN: not an executable (the intersynth binary)" >&2; exit 2; }
for f in test.txt index.jsonl; do
  [[ -f "$DATA/$f" ]] || { echo "$DATA/$f: missing (a dataset from intersynth data build)" >&2; exit 2; }
done
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive integer, got '$N'" >&2; exit 2; }
mkdir -p "$OUT"

# The clips: N spread evenly over the test.txt clips with at least MIN_FRAMES frames.
python3 - "$DATA" "$N" "$MIN_FRAMES" "$CLIPS" >"$OUT/clips.tsv" <<'EOF'
import json, sys
data, n, min_frames, clips = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = {}
with open(f"{data}/index.jsonl") as index:
    for line in index:
        if line.strip():
            row = json.loads(line)
            rows[row["id"]] = row
if clips != "split":
    # The pinned list: N is ignored, every listed clip must be in the dataset.
    picked = [line.strip() for line in open(clips) if line.strip() and not line.startswith("#")]
    missing = [clip for clip in picked if clip not in rows]
    if missing:
        sys.exit(f"{clips}: {len(missing)} clips are not in {data}: {', '.join(missing[:3])}")
    n = len(picked)
else:
    with open(f"{data}/test.txt") as test:
        eligible = [line.strip() for line in test
                    if line.strip() in rows and rows[line.strip()]["frames"] >= min_frames]
    # Spread over the list (it is sorted by source), not its first n.
    picked = [eligible[i * len(eligible) // n] for i in range(min(n, len(eligible)))]
chosen = len(picked)
for clip in picked:
    print(f"{clip}\t{rows[clip]['file']}\t{rows[clip]['frames']}")
if chosen == 0:
    sys.exit(f"{data}: no test clip has {min_frames} frames or more")
if chosen < n:
    print(f"only {chosen} test clips have {min_frames} frames or more", file=sys.stderr)
EOF

# Methods: labels and the flags of `intersynth recover` (@TRUTH@: the clip).
LABELS=()
FLAGS=()
if [[ "$BASE" != 0 ]]; then
  LABELS=("temporal" "per-frame" "per-frame+smooth")
  FLAGS=("--method temporal" "--method per-frame" "--method per-frame --smooth")
fi
for noise in $START_NOISE_MM; do
  [[ "$noise" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "START_NOISE_MM: not a number: '$noise'" >&2; exit 2; }
  LABELS+=("truth+${noise}mm start, not fitted" "temporal from truth+${noise}mm")
  FLAGS+=("--method temporal --start-from @TRUTH@ --start-noise-mm $noise --iterations 0"
          "--method temporal --start-from @TRUTH@ --start-noise-mm $noise")
done
[[ ${#LABELS[@]} -gt 0 ]] || { echo "no methods: BASE=0 and no START_NOISE_MM" >&2; exit 2; }
filename() { local name=${1//[ ,]/-}; echo "${name//+/-}"; }  # "per-frame+smooth" -> "per-frame-smooth"

i=0
while IFS=$'\t' read -r clip file frames; do
  dir="$OUT/$clip"
  mkdir -p "$dir"
  echo "[$((i + 1))] $clip ($frames frames)"
  "$BIN" --log-level warn keypoints simulate --motion "$DATA/$file" --out "$dir/keypoints.json" \
    --scene-out "$dir/scene" --noise-px "$NOISE_PX" --drop "$DROP" --seed "$((SEED + i))" \
    --overwrite >"$dir/simulate.log" 2>&1 || { cat "$dir/simulate.log" >&2; exit 1; }
  for m in "${!LABELS[@]}"; do
    method=${LABELS[$m]}
    flags=${FLAGS[$m]//@TRUTH@/$DATA/$file}
    name=$(filename "$method")
    rm -f "$dir/$name.json"
    start=$(date +%s%N)
    # shellcheck disable=SC2086  # $flags holds the method and its flags
    if ! "$BIN" --log-level warn recover --keypoints "$dir/keypoints.json" --scene "$dir/scene" \
        --out "$dir/$name.npz" --overwrite $flags ${RECOVER_ARGS:-} >"$dir/$name.log" 2>&1; then
      echo "  $method: recover failed ($(tail -n 1 "$dir/$name.log"))"
      continue
    fi
    milliseconds=$((($(date +%s%N) - start) / 1000000))
    if ! "$BIN" pose-error --truth "$DATA/$file" --estimate "$dir/$name.npz" --joints "$JOINTS" \
        --json "$dir/$name.json" >>"$dir/$name.log" 2>&1; then
      echo "  $method: pose-error failed ($(tail -n 1 "$dir/$name.log"))"
      rm -f "$dir/$name.json"
      continue
    fi
    # Record the time, and say how it went.
    python3 - "$dir/$name.json" "$milliseconds" "$method" <<'EOF'
import json, sys
path, milliseconds, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
report = json.load(open(path))
report["recover_seconds"] = milliseconds / 1000.0
json.dump(report, open(path, "w"), indent=2)
def mm(key):
    return "n/a" if report.get(key) is None else f"{report[key]:.1f}"
print(f"  {label}: W-MPJPE {mm('w_mpjpe_mm')}, MPJPE {mm('mpjpe_mm')}, "
      f"PA-MPJPE {mm('pa_mpjpe_mm')} mm, accel {mm('accel_error_mm')} mm/frame^2, "
      f"{milliseconds / 1000.0:.1f} s")
EOF
  done
  i=$((i + 1))
done <"$OUT/clips.tsv"

# The table: means over the clips each method recovered.
labels=("${LABELS[@]}")
names=()
for method in "${LABELS[@]}"; do
  names+=("$(filename "$method")")
done
python3 - "$OUT" "$JOINTS" "$NOISE_PX" "$DROP" "$SEED" "${#labels[@]}" "${labels[@]}" "${names[@]}" \
  >"$OUT/results.md" <<'EOF'
import json, math, os, sys
out, joints, noise, drop, seed, count = sys.argv[1:7]
count = int(count)
labels, names = sys.argv[7:7 + count], sys.argv[7 + count:7 + 2 * count]
clips = [line.split("\t")[0] for line in open(os.path.join(out, "clips.tsv")) if line.strip()]
metrics = [("w_mpjpe_mm", "W-MPJPE (mm)"), ("mpjpe_mm", "MPJPE (mm)"),
           ("pa_mpjpe_mm", "PA-MPJPE (mm)"), ("accel_error_mm", "accel (mm/frame²)"),
           ("recover_seconds", "recover (s/clip)")]

def mean(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    return sum(values) / len(values) if values else float("nan")

print(f"Recovery accuracy on simulated keypoints: {len(clips)} test clips, camera 2.5 m high, "
      f"30° down, 640×480, {noise} px noise, {drop} of the points dropped, seed {seed}+clip; "
      f"joints: {joints}. Means over the clips each method recovered.\n")
print("| method | clips | " + " | ".join(title for _, title in metrics) + " |")
print("| --- | --- | " + " | ".join("---" for _ in metrics) + " |")
for label, name in zip(labels, names):
    reports = []
    for clip in clips:
        path = os.path.join(out, clip, name + ".json")
        if os.path.exists(path):
            reports.append(json.load(open(path)))
    cells = [f"{mean([r.get(key) for r in reports]):.1f}" for key, _ in metrics]
    print(f"| {label} | {len(reports)}/{len(clips)} | " + " | ".join(cells) + " |")
EOF
cat "$OUT/results.md"
