#pragma once
// Resampling of per-frame signals (joints [T, 22, 3] seen as [T, 66], rotations,
// validity masks, anything [T, width]) to the dataset frame rate.
//
// Layout: `values` is [T, width] in C order (frame-major); so is the output.
//
// Output sample k sits at time
//
//   uniform input:     tau_k = k / target_fps        (input frame i at i / source_fps)
//   timestamped input: tau_k = timestamps[0] + k / target_fps
//
// and is the linear interpolation between the two input samples around it:
//
//   out[k] = (1 - w) * v[i] + w * v[i + 1],   w = (tau_k - t_i) / (t_{i+1} - t_i)
//
// with t_i <= tau_k < t_{i+1}. The number of outputs is the largest count whose
// last time does not pass the last input time:
//
//   uniform:     T' = floor((T - 1) * target_fps / source_fps) + 1
//   timestamped: T' = floor((t_{T-1} - t_0) * target_fps) + 1
//
// Numerics: an output time within a tiny tolerance of an input time (1e-9
// frames for uniform input, 1e-6 s for timestamps) snaps onto that sample, so
// that integer ratios (120 -> 20 fps) copy every 6th frame bit-exactly and the
// count T' is not lost to rounding (e.g. 29.97 fps). The blend is computed in
// double and rounded to float once. Linear interpolation of rotation channels
// (quaternions, 6D) is not a rotation interpolation: resample joint positions
// and recompute rotations, or renormalise afterwards.

#include <cstdint>
#include <string>
#include <vector>

namespace intersynth {

/// One output sample as a blend of two input frames:
///   out = (1 - weight1) * in[index0] + weight1 * in[index1].
/// weight1 == 0 exactly when the output time falls on input frame index0; then
/// index1 == index0.
struct ResamplePoint {
  int index0 = 0;        ///< input frame at or before the output time.
  int index1 = 0;        ///< input frame after it (== index0 when weight1 == 0).
  double weight1 = 0.0;  ///< weight of index1, in [0, 1).
};

/// The blend plan for `num_frames` input frames at source_fps resampled to
/// target_fps (see the header comment for the times and the count).
/// num_frames == 0 gives an empty plan. Throws intersynth::Error when a
/// frame rate is not a finite positive number; num_frames < 0 is a programmer
/// error (checked).
std::vector<ResamplePoint> PlanUniformResample(int num_frames,
                                               double source_fps,
                                               double target_fps);

/// The blend plan for input frames at `timestamps_s` (seconds, strictly
/// increasing, at least two) resampled to a uniform target_fps grid that starts
/// at timestamps_s[0]. Throws intersynth::Error naming the index when a
/// timestamp is NaN or infinite or not after the one before it, when there are
/// fewer than two, or when target_fps is not finite positive. `context` (e.g.
/// the file path) starts each error message when not empty.
std::vector<ResamplePoint> PlanTimestampResample(const std::vector<double>& timestamps_s,
                                                 double target_fps,
                                                 const std::string& context = "");

/// Applies a plan to `values` [T, width] (T must cover every index in the plan;
/// checked). Returns [plan.size(), width].
std::vector<float> ApplyResample(const std::vector<ResamplePoint>& plan,
                                 const float* values,
                                 int num_frames,
                                 int width);

/// Applies a plan to a validity mask `valid` [T, width] (nonzero = valid).
/// Returns [plan.size(), width] of 0/1: an output sample is valid only when every
/// input sample that contributes to it is valid, i.e. both neighbours when the
/// output time falls between two input frames, and the one frame when it falls
/// exactly on an input frame (weight1 == 0). An untracked sample thus never
/// leaks into a sample marked valid.
std::vector<uint8_t> ApplyResampleValidity(const std::vector<ResamplePoint>& plan,
                                           const uint8_t* valid,
                                           int num_frames,
                                           int width);

/// Resamples `values` [num_frames, width] from source_fps to target_fps by
/// linear interpolation in time. Returns [T', width] with
/// T' = floor((T - 1) * target_fps / source_fps) + 1 (empty when T == 0).
/// Equal rates return a copy. Errors as PlanUniformResample.
std::vector<float> ResampleUniform(
    const float* values, int num_frames, int width, double source_fps, double target_fps);

/// Resamples `values` [timestamps_s.size(), width], frame i taken at
/// timestamps_s[i] seconds (irregular gaps allowed), to target_fps starting at
/// timestamps_s[0]. Returns [T', width] with
/// T' = floor((t_last - t_0) * target_fps) + 1. Errors as PlanTimestampResample.
std::vector<float> ResampleByTimestamps(const float* values,
                                        const std::vector<double>& timestamps_s,
                                        int width,
                                        double target_fps,
                                        const std::string& context = "");

/// ResampleUniform for a validity mask [num_frames, width] (see
/// ApplyResampleValidity for the rule). Same output count as ResampleUniform.
std::vector<uint8_t> ResampleValidityUniform(
    const uint8_t* valid, int num_frames, int width, double source_fps, double target_fps);

/// ResampleByTimestamps for a validity mask [timestamps_s.size(), width] (see
/// ApplyResampleValidity for the rule). Same output count as ResampleByTimestamps.
std::vector<uint8_t> ResampleValidityByTimestamps(const uint8_t* valid,
                                                  const std::vector<double>& timestamps_s,
                                                  int width,
                                                  double target_fps,
                                                  const std::string& context = "");

}  // namespace intersynth
