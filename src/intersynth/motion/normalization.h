#pragma once
// Per-channel feature normalisation, as HumanML3D (Mean.npy / Std.npy, [263])
// and InterGen (global_mean.npy / global_std.npy, [262]) use it:
//
//   normalised = (x - mean[c]) / s[c],   x = normalised * s[c] + mean[c]
//   s[c] = std[c] if std[c] >= kMinFeatureStd, else 1
//
// The guard: a channel whose standard deviation is below kMinFeatureStd (1e-6,
// e.g. a channel that is constant over the data) is only centred, not divided
// by a near-zero number that would turn rounding noise into huge values. The
// same s[c] is used both ways, so Denormalize(Normalize(x)) == x to rounding.
// Real statistics are far above the guard (InterGen's smallest std is 0.0074).
//
// Features are [N, D] C order (rows of D channels); D must equal dim().

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace intersynth {

/// Standard deviations below this are replaced by 1 when (de)normalising.
inline constexpr float kMinFeatureStd = 1e-6f;

struct FeatureNormalizer {
  /// Per-channel mean, [D].
  std::vector<float> mean;
  /// Per-channel standard deviation, [D] (population, ddof = 0, when computed here).
  std::vector<float> std;
  /// Where the statistics came from ("<mean file> + <std file>", or a
  /// description), named in error messages.
  std::string source = "feature statistics";

  /// Number of channels D.
  int dim() const { return static_cast<int>(mean.size()); }

  /// Reads mean and std from two float .npy files of shape [D] (float32 or
  /// float64). Throws Error naming the file when a file is unreadable, not
  /// 1-D, the two sizes differ, a value is not finite or a std is negative.
  static FeatureNormalizer Load(const std::filesystem::path& mean_path,
                                const std::filesystem::path& std_path);

  /// Mean and population std of each channel over the rows of [num_rows, dim]
  /// values (computed in double). Throws Error when num_rows < 1 or dim < 1.
  static FeatureNormalizer Compute(const float* values, int64_t num_rows, int dim);

  /// (x - mean) / s in place over [num_rows, dim]. Throws Error naming
  /// `source` and both sizes when dim != dim().
  void Normalize(float* values, int64_t num_rows, int dim) const;
  /// x * s + mean in place over [num_rows, dim]; the inverse of Normalize.
  void Denormalize(float* values, int64_t num_rows, int dim) const;
  /// Shorthands for rows of dim() channels (the caller vouches for the width).
  void Normalize(float* values, int64_t num_rows) const { Normalize(values, num_rows, dim()); }
  void Denormalize(float* values, int64_t num_rows) const { Denormalize(values, num_rows, dim()); }

  /// Writes mean and std as float32 [D] .npy files, each atomically.
  void Save(const std::filesystem::path& mean_path, const std::filesystem::path& std_path) const;
};

/// Accumulates feature statistics over a dataset, one array at a time
/// (Chan et al.'s parallel update of mean and M2 in double, stable for
/// millions of rows). Every array must have the same dim.
class FeatureStatistics {
 public:
  /// Adds [num_rows, dim] values. Throws Error when dim differs from the
  /// first array's or a value is not finite (naming row and channel).
  void Add(const float* values, int64_t num_rows, int dim);
  /// Adds everything `other` accumulated (Chan's combine, the same as adding
  /// its arrays here). Merging per-shard statistics in a fixed order gives the
  /// same result on every run. Throws Error when the dims differ.
  void Merge(const FeatureStatistics& other);
  /// Rows added so far.
  int64_t num_rows() const { return count_; }
  /// The mean and population std of everything added. Throws Error when
  /// nothing was added. `source` names the result in later errors.
  FeatureNormalizer Finish(const std::string& source = "computed feature statistics") const;

 private:
  // Folds a batch with mean `mean_b`, M2 `m2_b` and `count_b` rows into the totals.
  void Combine(const std::vector<double>& mean_b, const std::vector<double>& m2_b, int64_t count_b);

  int64_t count_ = 0;
  std::vector<double> mean_;
  std::vector<double> m2_;  // sum of squared deviations from the mean
};

}  // namespace intersynth
