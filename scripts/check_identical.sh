#!/usr/bin/env bash
# Runs the same commands with two builds of intersynth and compares every
# output (scripts/compare_outputs.py: every array of every .npy/.npz, every
# other file byte for byte). For refactors that must not change behaviour:
# recover (temporal Adam and L-BFGS, per-frame + smoothing, per-image with
# previews, the regressor and --start-from paths), generate (with inpainting,
# BVH and previews), lift-scene, data build, train + resume, evaluator train
# and evaluate (the bundled evaluator and model).
#
#   scripts/check_identical.sh OLD_BUILD_DIR NEW_BUILD_DIR OUT_DIR
#
# OLD_BUILD_DIR / NEW_BUILD_DIR are build folders (build/ of two checkouts);
# each runs in OUT_DIR/run (renamed to OUT_DIR/old, OUT_DIR/new), one thread
# each (so that reductions run in one order). Uses ../shared/data (INTERSYNTH_DATA) when
# present for a CMU data build. Exits 1 when anything differs.
set -euo pipefail
if [ $# -ne 3 ]; then
  sed -n '2,16p' "$0"
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/env.sh"
old_build="$(cd "$1" && pwd)"
new_build="$(cd "$2" && pwd)"
out="$3"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

# run_all BUILD DIR: every command with BUILD's binaries, outputs under DIR.
run_all() {
  local build="$1" d="$2"
  local is="$build/apps/intersynth/intersynth"
  local tiny_tool="$build/src/intersynth/diffusion/diffusion_make_tiny_dataset"
  local assets="$root/assets" testdata="$root/testdata"
  local body="$assets/body/open_body.npz" gmm8="$assets/priors/pose_gmm8.npz"
  local two="$testdata/recovery/two_images"
  rm -rf "$d"
  mkdir -p "$d/logs" "$d/lift_scene" "$d/kp" "$d/data_build" "$d/generate" "$d/generate_tiny" "$d/train" \
    "$d/evaluator" "$d/evaluate"
  local r
  for r in temporal_lbfgs temporal_adam per_frame_smooth start_from per_image regressor; do
    mkdir -p "$d/recover/$r"
  done
  step() {  # step NAME COMMAND...: runs it, log in logs/NAME.txt
    local name="$1"
    shift
    echo "  $(basename "$d"): $name" >&2
    "$@" >"$d/logs/$name.txt" 2>&1 || {
      echo "FAILED ($name), see $d/logs/$name.txt" >&2
      tail -5 "$d/logs/$name.txt" >&2
      return 1
    }
  }
  # lift-scene on the bundled NYUv2 room.
  local nyu="$assets/scenes/nyu_dining"
  step lift_scene "$is" lift-scene --image "$nyu/image.png" --depth "$nyu/depth.png" \
    --intrinsics "$nyu/intrinsics.json" --out "$d/lift_scene/scene"
  # Simulated keypoints of the committed motion, then recover in every mode.
  local motion="$testdata/motion/012314.npz"
  step keypoints "$is" keypoints simulate --motion "$motion" --out "$d/kp/kp.json" \
    --scene-out "$d/kp/scene" --seed 3
  step recover_temporal_lbfgs "$is" recover --keypoints "$d/kp/kp.json" --scene "$d/kp/scene" \
    --body "$body" --prior "$gmm8" --optimizer lbfgs --iterations 20 --out "$d/recover/temporal_lbfgs/r.npz"
  step recover_temporal_adam "$is" recover --keypoints "$d/kp/kp.json" --scene "$d/kp/scene" \
    --iterations 3 --hypothesis-iterations 3 --out "$d/recover/temporal_adam/r.npz"
  step recover_per_frame_smooth "$is" recover --keypoints "$d/kp/kp.json" \
    --intrinsics "$d/kp/scene/scene.json" --body "$body" --prior "$gmm8" --method per-frame --smooth \
    --iterations 10 --optimizer lbfgs --out "$d/recover/per_frame_smooth/r.npz"
  step recover_start_from "$is" recover --keypoints "$d/kp/kp.json" --scene "$d/kp/scene" \
    --body "$body" --prior "$gmm8" --start-from "$motion" --start-noise-mm 20 --iterations 10 \
    --optimizer lbfgs --out "$d/recover/start_from/r.npz"
  step recover_per_image "$is" recover --keypoints "$two/kp.json" --method per-image --frames "$two" \
    --preview "$d/recover/per_image/preview" --body "$body" --prior "$gmm8" --iterations 10 \
    --out "$d/recover/per_image/r.npz"
  step recover_regressor "$is" recover --keypoints "$two/kp.json" --method per-image --frames "$two" \
    --regressor "$testdata/recovery/tiny_pose_regressor.pt" --body "$body" --prior "$gmm8" \
    --iterations 10 --out "$d/recover/regressor/r.npz"
  # data build: a BVH fixture, the recovered motion, and CMU when the shared data is here.
  mkdir -p "$d/src/reactidle" "$d/src/recovered"
  cp "$testdata/bvh/reactidle_001_acted_first4.bvh" "$d/src/reactidle/001_acted.bvh"
  cp "$d/recover/temporal_lbfgs/r.npz" "$d/src/recovered/walk.npz"
  echo "a person walks" >"$d/src/recovered/walk.txt"
  local sources=(--source "reactidle=$d/src/reactidle" --source "recovered=$d/src/recovered")
  if [ -d "$INTERSYNTH_DATA/mocap/cmu" ]; then
    sources+=(--source "cmu=$INTERSYNTH_DATA/mocap/cmu")
  fi
  step data_build "$is" --log-level warn data build --out "$d/data_build/ds" "${sources[@]}" \
    --min-frames 2 --no-progress
  # generate with the bundled model: 2 persons, previews and BVH; then inpainting.
  local model="$assets/models/intersynth-cpu"
  step generate "$is" generate --model "$model" --text "a person walks in a circle" --persons 2 \
    --frames 40 --samples 2 --steps 8 --seed 5 --threads 1 --out "$d/generate/walk.npz" --bvh --preview
  step generate_inpaint "$is" generate --model "$model" --text "a person waves" --persons 2 \
    --motion "$d/generate/walk_000.npz" --keep-frames 0:10,30:40 --steps 8 --seed 2 --threads 1 \
    --out "$d/generate/inpaint.npz"
  step generate_partner "$is" generate --model "$model" --text "a person waves" --persons 2 \
    --motion "$d/generate/walk_001.npz" --keep-person 0 --steps 8 --seed 3 --threads 1 \
    --out "$d/generate/partner.npz"
  # train a tiny model, resume it; evaluator train; evaluate.
  step tiny_dataset "$tiny_tool" "$d/tiny"
  step train "$is" train --data "$d/tiny/ds" --out "$d/train/run" --config "$d/tiny/tiny.json" \
    --steps 4 --threads 1
  step train_resume "$is" train --data "$d/tiny/ds" --out "$d/train/run" --resume --steps 6 --threads 1
  step generate_tiny "$is" generate --model "$d/train/run" --text "a person walks" --persons 2 \
    --frames 16 --samples 2 --steps 5 --threads 1 --out "$d/generate_tiny/walk.npz"
  cat >"$d/tiny_evaluator.json" <<'EOF'
{"evaluator": {"embed_dim": 16, "temperature": 0.07},
 "model": {"d_model": 32, "dropout": 0.1, "ff_dim": 64, "heads": 2, "layers": 1, "max_frames": 64, "max_persons": 4},
 "text": {"d_model": 32, "dropout": 0.1, "ff_dim": 64, "heads": 2, "layers": 1, "max_tokens": 16, "torchscript": ""},
 "train": {"batch": 4, "checkpoint_every": 2, "crop_frames": 16, "log_every": 1, "steps": 4, "val_every": 2,
           "val_samples": 4, "warmup_steps": 1, "seed": 1}}
EOF
  step evaluator_train "$is" evaluator train --data "$d/tiny/ds" --out "$d/evaluator/run" \
    --config "$d/tiny_evaluator.json" --steps 3 --threads 1
  step evaluator_resume "$is" evaluator train --data "$d/tiny/ds" --out "$d/evaluator/run" --resume \
    --steps 4 --threads 1
  step evaluate_tiny "$is" evaluate --model "$d/train/run" --evaluator "$d/evaluator/run" \
    --data "$d/tiny/ds" --split val --replications 2 --samples 2 --mm-prompts 1 --mm-samples 2 \
    --mm-pairs 1 --steps 2 --threads 1 --out "$d/evaluate/tiny"
  step evaluate_bundled "$is" evaluate --model "$model" --evaluator "$assets/models/evaluator-cpu" \
    --data "$d/tiny/ds" --split val --replications 2 --samples 2 --mm-prompts 1 --mm-samples 2 \
    --mm-pairs 1 --steps 2 --threads 1 --out "$d/evaluate/bundled"
}

# Both builds run in the same folder (outputs record their input and output
# paths), which is then renamed to old/ or new/.
rm -rf "$out/old" "$out/new" "$out/old_logs" "$out/new_logs"
for side in old new; do
  build="$old_build"
  [ "$side" = new ] && build="$new_build"
  echo "check_identical: $side build $build" >&2
  run_all "$build" "$out/run"
  # Logs hold timings and the binaries' paths: kept for reading, not compared.
  mv "$out/run/logs" "$out/${side}_logs"
  mv "$out/run" "$out/$side"
done
/usr/bin/python3 "$root/scripts/compare_outputs.py" "$out/old" "$out/new"
