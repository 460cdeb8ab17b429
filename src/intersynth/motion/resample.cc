#include "intersynth/motion/resample.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// Output positions closer than this to an input frame snap onto it (in frames
// for uniform input, in seconds for timestamps); see the header comment.
constexpr double kFrameSnap = 1e-9;
constexpr double kTimeSnap = 1e-6;

std::string Prefix(const std::string& context) {
  return context.empty() ? std::string() : context + ": ";
}

void CheckRate(double fps, const char* name, const std::string& context) {
  if (!std::isfinite(fps) || fps <= 0.0) {
    throw Error(
        fmt::format("{}{} = {}: expected a finite frame rate > 0", Prefix(context), name, fps));
  }
}

// The plan point for a fractional input position `position` (frames) in an
// input of num_frames frames, snapping near-integer positions onto the frame.
ResamplePoint PointAt(double position, int num_frames) {
  const int last = num_frames - 1;
  const double floor_position = std::floor(position);
  int index = static_cast<int>(floor_position);
  double fraction = position - floor_position;
  if (fraction > 1.0 - kFrameSnap) {
    ++index;
    fraction = 0.0;
  } else if (fraction < kFrameSnap) {
    fraction = 0.0;
  }
  if (index >= last) return {last, last, 0.0};
  if (fraction == 0.0) return {index, index, 0.0};
  return {index, index + 1, fraction};
}

}  // namespace

std::vector<ResamplePoint> PlanUniformResample(int num_frames,
                                               double source_fps,
                                               double target_fps) {
  INTERSYNTH_CHECK(num_frames >= 0) << "num_frames " << num_frames;
  CheckRate(source_fps, "source fps", "");
  CheckRate(target_fps, "target fps", "");
  if (num_frames == 0) return {};

  // T' = floor((T - 1) * target / source) + 1; the snap keeps a last output
  // that lands on the last input despite rounding (e.g. 29.97 fps).
  const double span_out = (num_frames - 1) * target_fps / source_fps;
  const int count = static_cast<int>(std::floor(span_out + kFrameSnap)) + 1;

  // Output k sits at input position k * source / target (multiplying first
  // keeps integer ratios exact: k * 120 / 20 = 6k).
  std::vector<ResamplePoint> plan(count);
  for (int k = 0; k < count; ++k) {
    plan[k] = PointAt(k * source_fps / target_fps, num_frames);
  }
  return plan;
}

std::vector<ResamplePoint> PlanTimestampResample(const std::vector<double>& timestamps_s,
                                                 double target_fps,
                                                 const std::string& context) {
  CheckRate(target_fps, "target fps", context);
  const int num_frames = static_cast<int>(timestamps_s.size());
  if (num_frames < 2) {
    throw Error(fmt::format("{}{} timestamp(s): expected at least 2 to resample by time",
                            Prefix(context), num_frames));
  }

  // Validate every timestamp before using any, naming the first bad index.
  for (int i = 0; i < num_frames; ++i) {
    if (!std::isfinite(timestamps_s[i])) {
      throw Error(fmt::format("{}timestamp {} is {}: expected a finite time in seconds",
                              Prefix(context), i, timestamps_s[i]));
    }
    if (i > 0 && !(timestamps_s[i] > timestamps_s[i - 1])) {
      throw Error(
          fmt::format("{}timestamp {} ({} s) is not after timestamp {} ({} s): expected strictly "
                      "increasing times",
                      Prefix(context), i, timestamps_s[i], i - 1, timestamps_s[i - 1]));
    }
  }

  // Work in times relative to the first sample, so that large absolute clocks
  // (epoch seconds) do not eat the precision of the grid.
  const double t0 = timestamps_s[0];
  auto relative = [&](int i) { return timestamps_s[i] - t0; };
  const double span = relative(num_frames - 1);
  const int count = static_cast<int>(std::floor((span + kTimeSnap) * target_fps)) + 1;

  // Walk the grid and the input together: `i` is the last input frame at or
  // before the output time (within the snap).
  std::vector<ResamplePoint> plan(count);
  int i = 0;
  for (int k = 0; k < count; ++k) {
    const double tau = k / target_fps;
    while (i + 1 < num_frames && relative(i + 1) - tau <= kTimeSnap) ++i;
    if (i == num_frames - 1 || std::abs(tau - relative(i)) <= kTimeSnap) {
      plan[k] = {i, i, 0.0};
      continue;
    }
    const double weight = (tau - relative(i)) / (relative(i + 1) - relative(i));
    plan[k] = {i, i + 1, weight};
  }
  return plan;
}

std::vector<float> ApplyResample(const std::vector<ResamplePoint>& plan,
                                 const float* values,
                                 int num_frames,
                                 int width) {
  INTERSYNTH_CHECK(width > 0) << "width " << width;
  std::vector<float> out(plan.size() * static_cast<size_t>(width));
  for (size_t k = 0; k < plan.size(); ++k) {
    const ResamplePoint& p = plan[k];
    INTERSYNTH_CHECK(p.index0 >= 0 && p.index1 < num_frames && p.index0 <= p.index1)
        << "plan point " << k << " (" << p.index0 << ", " << p.index1 << ") outside " << num_frames
        << " frames";
    const float* row0 = values + static_cast<size_t>(p.index0) * width;
    const float* row1 = values + static_cast<size_t>(p.index1) * width;
    float* row_out = out.data() + k * width;
    // A sample that falls on an input frame is a bit-exact copy.
    if (p.weight1 == 0.0) {
      std::copy(row0, row0 + width, row_out);
      continue;
    }
    // out = (1 - w) * v0 + w * v1, in double, rounded once.
    const double w1 = p.weight1;
    const double w0 = 1.0 - w1;
    for (int c = 0; c < width; ++c) {
      row_out[c] = static_cast<float>(w0 * row0[c] + w1 * row1[c]);
    }
  }
  return out;
}

std::vector<uint8_t> ApplyResampleValidity(const std::vector<ResamplePoint>& plan,
                                           const uint8_t* valid,
                                           int num_frames,
                                           int width) {
  INTERSYNTH_CHECK(width > 0) << "width " << width;
  std::vector<uint8_t> out(plan.size() * static_cast<size_t>(width));
  for (size_t k = 0; k < plan.size(); ++k) {
    const ResamplePoint& p = plan[k];
    INTERSYNTH_CHECK(p.index0 >= 0 && p.index1 < num_frames && p.index0 <= p.index1)
        << "plan point " << k << " (" << p.index0 << ", " << p.index1 << ") outside " << num_frames
        << " frames";
    const uint8_t* row0 = valid + static_cast<size_t>(p.index0) * width;
    const uint8_t* row1 = valid + static_cast<size_t>(p.index1) * width;
    // Valid only when every contributing input is; when the sample falls on
    // an input frame, index1 == index0 and only that frame counts.
    for (int c = 0; c < width; ++c) {
      out[k * width + c] = (row0[c] != 0 && row1[c] != 0) ? 1 : 0;
    }
  }
  return out;
}

std::vector<float> ResampleUniform(
    const float* values, int num_frames, int width, double source_fps, double target_fps) {
  return ApplyResample(PlanUniformResample(num_frames, source_fps, target_fps), values, num_frames,
                       width);
}

std::vector<float> ResampleByTimestamps(const float* values,
                                        const std::vector<double>& timestamps_s,
                                        int width,
                                        double target_fps,
                                        const std::string& context) {
  return ApplyResample(PlanTimestampResample(timestamps_s, target_fps, context), values,
                       static_cast<int>(timestamps_s.size()), width);
}

std::vector<uint8_t> ResampleValidityUniform(
    const uint8_t* valid, int num_frames, int width, double source_fps, double target_fps) {
  return ApplyResampleValidity(PlanUniformResample(num_frames, source_fps, target_fps), valid,
                               num_frames, width);
}

std::vector<uint8_t> ResampleValidityByTimestamps(const uint8_t* valid,
                                                  const std::vector<double>& timestamps_s,
                                                  int width,
                                                  double target_fps,
                                                  const std::string& context) {
  return ApplyResampleValidity(PlanTimestampResample(timestamps_s, target_fps, context), valid,
                               static_cast<int>(timestamps_s.size()), width);
}

}  // namespace intersynth
