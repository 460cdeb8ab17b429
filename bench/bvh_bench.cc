// BVH parsing and writing speed on a synthetic in-memory file shaped like the
// Bandai Namco takes: 22 joints x 6 channels (132 values per frame), values
// printed like a mocap exporter ("%.6f"), 2000 frames (~1.3 MB of text).
//
// Report figures as ratios against a reference run on the same machine
// (STYLE.md rule 13); the absolute frames/s depend on the CPU.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>

#include "intersynth/io/bvh.h"

namespace intersynth {
namespace {

constexpr int kJoints = 22;
constexpr int kFrames = 2000;

// A chain-and-branches hierarchy with 6 channels on every joint, End Sites
// on the leaves, and seeded random values.
BvhMotion MakeMotion(int num_frames) {
  BvhMotion motion;
  const std::vector<BvhChannel> six = {BvhChannel::kXposition, BvhChannel::kYposition,
                                       BvhChannel::kZposition, BvhChannel::kZrotation,
                                       BvhChannel::kXrotation, BvhChannel::kYrotation};
  motion.joints.push_back({"joint_Root", -1, Eigen::Vector3d::Zero(), six, false});
  // Five limbs of four joints hanging off joint 1 ("Hips"); the first
  // joint of each limb is a child of Hips.
  motion.joints.push_back({"Hips", 0, Eigen::Vector3d(0, 93.9, -3), six, false});
  int joint_number = 2;
  for (int limb = 0; limb < 5; ++limb) {
    int parent = 1;
    for (int k = 0; k < 4 && joint_number < kJoints; ++k, ++joint_number) {
      const int index = static_cast<int>(motion.joints.size());
      motion.joints.push_back({"Joint" + std::to_string(joint_number), parent,
                               Eigen::Vector3d(10.0 + k, -3.5 * k, 0.25 * limb), six, false});
      parent = index;
    }
    const std::string end_name = motion.joints[parent].name + "_End";
    motion.joints.push_back({end_name, parent, Eigen::Vector3d(5, 0, 0), {}, true});
  }
  motion.frame_time = 1.0 / 30.0;
  motion.num_frames = num_frames;
  motion.values.resize(num_frames, motion.NumChannels());
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> angle(-180.0, 180.0);
  for (int f = 0; f < num_frames; ++f) {
    for (int c = 0; c < motion.values.cols(); ++c) motion.values(f, c) = angle(rng);
  }
  return motion;
}

void BM_ParseBvh(benchmark::State& state) {
  const std::string text = SerializeBvh(MakeMotion(kFrames));
  for (auto _ : state) {
    BvhMotion motion = ParseBvh(text, "synthetic.bvh");
    benchmark::DoNotOptimize(motion.values.data());
  }
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(kFrames) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(text.size()) * state.iterations());
}
BENCHMARK(BM_ParseBvh)->Unit(benchmark::kMillisecond);

// The reference beside BM_ParseBvh: only std::strtod over the same MOTION
// section, no validation. ParseBvh's frames/s over this one's is the cost of
// everything the reader does beyond turning text into doubles.
void BM_StrtodReference(benchmark::State& state) {
  const std::string text = SerializeBvh(MakeMotion(kFrames));
  const size_t start = text.find('\n', text.find("Frame Time:")) + 1;
  for (auto _ : state) {
    double sum = 0.0;
    const char* cursor = text.c_str() + start;
    char* end = nullptr;
    for (double value = std::strtod(cursor, &end); end != cursor;
         value = std::strtod(cursor, &end)) {
      sum += value;
      cursor = end;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(kFrames) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_StrtodReference)->Unit(benchmark::kMillisecond);

void BM_SerializeBvh(benchmark::State& state) {
  const BvhMotion motion = MakeMotion(kFrames);
  for (auto _ : state) {
    std::string text = SerializeBvh(motion);
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(kFrames) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SerializeBvh)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace intersynth

BENCHMARK_MAIN();
