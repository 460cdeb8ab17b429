#include "intersynth/motion/demo.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "intersynth/io/npy.h"
#include "intersynth/motion/convert.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

// Rows farther than the facing smoother's reach (80 frames) from the end of
// the 170-row sample: only these can match after the round trip, because the
// reference encoded one frame more than it stored (see features_263.h).
constexpr int kComparableRows = 89;
constexpr int kHumanML3DDim = 263;

float MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b, size_t count) {
  float worst = 0.0f;
  for (size_t i = 0; i < count; ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// Largest change of a distance between any joint of frame 0 and any joint of
// any frame: zero for two copies of one motion that differ by a rigid move.
float MaxRigidInvariantError(const MotionClip& a, const MotionClip& b) {
  float worst = 0.0f;
  const int frames = std::min(a.num_frames, b.num_frames);
  for (int t = 0; t < frames; ++t) {
    for (int i = 0; i < kNumJoints; ++i) {
      for (int j = 0; j < kNumJoints; ++j) {
        const float* a0 = a.joint(0, 0, i);
        const float* at = a.joint(0, t, j);
        const float* b0 = b.joint(0, 0, i);
        const float* bt = b.joint(0, t, j);
        const float da = std::hypot(at[0] - a0[0], at[1] - a0[1], at[2] - a0[2]);
        const float db = std::hypot(bt[0] - b0[0], bt[1] - b0[1], bt[2] - b0[2]);
        worst = std::max(worst, std::abs(da - db));
      }
    }
  }
  return worst;
}

}  // namespace

void DemoOptions::Check() const {
  CheckRequired(assets.string(), "assets");
  CheckRequired(out.string(), "out");
}

DemoReport RunDemo(const DemoOptions& options) {
  options.Check();
  DemoReport report;
  auto say = [&](std::string line) { report.lines.push_back(std::move(line)); };
  auto check = [&](bool ok, const std::string& what) {
    if (!ok && report.success) {
      report.success = false;
      report.message = what;
    }
    say(fmt::format("  {} {}", ok ? "ok:  " : "FAIL:", what));
  };

  const fs::path sample = options.assets / "humanml3d";
  const fs::path features_path = sample / "012314_features263.npy";
  const fs::path joints_path = sample / "012314_joints.npy";
  std::error_code ec;
  for (const fs::path& required : {features_path, joints_path}) {
    if (!fs::exists(required, ec)) {
      throw OptionError(
          fmt::format("{}: bundled demo asset not found (pass {{assets}}, the "
                      "project's assets/ folder)",
                      required.string()));
    }
  }
  fs::create_directories(options.out, ec);
  if (ec)
    throw Error(
        fmt::format("{}: cannot create the output folder: {}", options.out.string(), ec.message()));

  say("intersynth demo: HumanML3D sample 012314 through the motion formats");

  // 1. HumanML3D features -> intersynth motion file.
  ConvertOptions to_motion;
  to_motion.input = features_path;
  to_motion.output = options.out / "012314.npz";
  to_motion.text = {"HumanML3D sample 012314"};
  say("1. " + ConvertMotion(to_motion).summary);
  const MotionClip clip = ReadMotionFile(to_motion.output);
  const NpyArray reference_joints = ReadNpy(joints_path);
  const float joint_error =
      MaxAbsDiff(clip.joints, reference_joints.ToVector<float>(),
                 std::min<size_t>(clip.joints.size(), reference_joints.size()));
  check(clip.num_frames == 170 && joint_error < 1e-4f,
        fmt::format("decoded joints match new_joints/012314.npy: max error {:.2e} m over {} frames",
                    joint_error, clip.num_frames));

  // 2. Motion file -> HumanML3D features again.
  ConvertOptions to_263;
  to_263.input = to_motion.output;
  to_263.output = options.out / "012314_hml263.npy";
  to_263.to = MotionFormat::kHumanML3D;
  say("2. " + ConvertMotion(to_263).summary);
  const std::vector<float> original = ReadNpy(features_path).ToVector<float>();
  const std::vector<float> encoded = ReadNpy(to_263.output).ToVector<float>();
  const float feature_error =
      MaxAbsDiff(original, encoded, static_cast<size_t>(kComparableRows) * kHumanML3DDim);
  check(feature_error < 1e-4f,
        fmt::format("re-encoded rows 0-{} match new_joint_vecs/012314.npy: max error {:.2e}",
                    kComparableRows - 1, feature_error));
  say(
      fmt::format("        (the last {} rows differ: the facing direction is smoothed over "
                  "+-80 frames and the stored joints lack the source's last frame)",
                  clip.num_frames - 1 - kComparableRows));

  // 3. Motion file -> intersynth 262 features -> joints.
  ConvertOptions to_262;
  to_262.input = to_motion.output;
  to_262.output = options.out / "012314_ig262.npy";
  to_262.to = MotionFormat::kInterGen;
  say("3. " + ConvertMotion(to_262).summary);
  ConvertOptions back;
  back.input = to_262.output;
  back.output = options.out / "012314_from262.npz";
  say("4. " + ConvertMotion(back).summary);
  const MotionClip from_262 = ReadMotionFile(back.output);
  const float rigid_error = MaxRigidInvariantError(clip, from_262);
  check(rigid_error < 1e-4f,
        fmt::format("262 round trip keeps the motion up to the canonical rigid move: max "
                    "distance change {:.2e} m over {} frames",
                    rigid_error, from_262.num_frames));

  say(fmt::format("outputs in {}", options.out.string()));
  return report;
}

}  // namespace intersynth
