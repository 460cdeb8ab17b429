#include "intersynth/motion/normalization.h"

#include <fmt/format.h>

#include <cmath>

#include "intersynth/io/npy.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// The divisor of channel c (see the header: tiny std -> 1).
inline float Scale(float std) { return std >= kMinFeatureStd ? std : 1.0f; }

std::vector<float> ReadStatistic(const std::filesystem::path& path) {
  const NpyArray array = ReadNpy(path);
  if (array.dtype != NpyDType::kFloat32 && array.dtype != NpyDType::kFloat64) {
    throw Error(fmt::format("{}: expected float32 or float64 feature statistics, got {}",
                            path.string(), NpyDTypeName(array.dtype)));
  }
  if (array.shape.size() != 1 || array.shape[0] < 1) {
    std::string shape;
    for (size_t i = 0; i < array.shape.size(); ++i)
      shape += (i ? ", " : "") + std::to_string(array.shape[i]);
    throw Error(fmt::format("{}: expected a 1-D array [D] of feature statistics, got shape [{}]",
                            path.string(), shape));
  }
  std::vector<float> values = array.ToVector<float>();
  for (size_t c = 0; c < values.size(); ++c) {
    if (!std::isfinite(values[c])) {
      throw Error(fmt::format("{}: channel {}: expected a finite value, got {}", path.string(), c,
                              values[c]));
    }
  }
  return values;
}

}  // namespace

FeatureNormalizer FeatureNormalizer::Load(const std::filesystem::path& mean_path,
                                          const std::filesystem::path& std_path) {
  FeatureNormalizer normalizer;
  normalizer.mean = ReadStatistic(mean_path);
  normalizer.std = ReadStatistic(std_path);
  normalizer.source = mean_path.string() + " + " + std_path.string();
  if (normalizer.mean.size() != normalizer.std.size()) {
    throw Error(fmt::format("{} has {} channels but {} has {}; expected the same number",
                            mean_path.string(), normalizer.mean.size(), std_path.string(),
                            normalizer.std.size()));
  }
  for (size_t c = 0; c < normalizer.std.size(); ++c) {
    if (normalizer.std[c] < 0.0f) {
      throw Error(fmt::format("{}: channel {}: expected a standard deviation >= 0, got {}",
                              std_path.string(), c, normalizer.std[c]));
    }
  }
  return normalizer;
}

FeatureNormalizer FeatureNormalizer::Compute(const float* values, int64_t num_rows, int dim) {
  FeatureStatistics statistics;
  statistics.Add(values, num_rows, dim);
  return statistics.Finish();
}

void FeatureNormalizer::Normalize(float* values, int64_t num_rows, int dim) const {
  if (dim != this->dim()) {
    throw Error(fmt::format("{}: statistics have {} channels, features have {}; expected the same",
                            source, this->dim(), dim));
  }
  std::vector<float> scale(dim);
  for (int c = 0; c < dim; ++c) scale[c] = Scale(std[c]);
  for (int64_t n = 0; n < num_rows; ++n) {
    float* row = values + n * dim;
    for (int c = 0; c < dim; ++c) row[c] = (row[c] - mean[c]) / scale[c];
  }
}

void FeatureNormalizer::Denormalize(float* values, int64_t num_rows, int dim) const {
  if (dim != this->dim()) {
    throw Error(fmt::format("{}: statistics have {} channels, features have {}; expected the same",
                            source, this->dim(), dim));
  }
  for (int64_t n = 0; n < num_rows; ++n) {
    float* row = values + n * dim;
    for (int c = 0; c < dim; ++c) row[c] = row[c] * Scale(std[c]) + mean[c];
  }
}

void FeatureNormalizer::Save(const std::filesystem::path& mean_path,
                             const std::filesystem::path& std_path) const {
  INTERSYNTH_CHECK(mean.size() == std.size()) << mean.size() << " means, " << std.size() << " stds";
  const std::vector<int64_t> shape = {static_cast<int64_t>(mean.size())};
  WriteNpy(mean_path, NpyArray::Float32(shape, mean));
  WriteNpy(std_path, NpyArray::Float32(shape, std));
}

void FeatureStatistics::Combine(const std::vector<double>& mean_b,
                                const std::vector<double>& m2_b,
                                int64_t count_b) {
  const double na = static_cast<double>(count_);
  const double nb = static_cast<double>(count_b);
  const double total = na + nb;
  for (size_t c = 0; c < mean_.size(); ++c) {
    const double delta = mean_b[c] - mean_[c];
    mean_[c] += delta * nb / total;
    m2_[c] += m2_b[c] + delta * delta * na * nb / total;
  }
  count_ += count_b;
}

void FeatureStatistics::Merge(const FeatureStatistics& other) {
  if (other.mean_.empty()) return;
  if (mean_.empty()) {
    *this = other;
    return;
  }
  if (other.mean_.size() != mean_.size()) {
    throw Error(fmt::format("feature statistics: merging {} channels into {}; expected the same",
                            other.mean_.size(), mean_.size()));
  }
  if (other.count_ > 0) Combine(other.mean_, other.m2_, other.count_);
}

void FeatureStatistics::Add(const float* values, int64_t num_rows, int dim) {
  if (dim < 1)
    throw Error(fmt::format("feature statistics: expected at least 1 channel, got {}", dim));
  if (count_ == 0 && mean_.empty()) {
    mean_.assign(dim, 0.0);
    m2_.assign(dim, 0.0);
  } else if (dim != static_cast<int>(mean_.size())) {
    throw Error(fmt::format(
        "feature statistics: array has {} channels, earlier arrays had {}; expected the same", dim,
        mean_.size()));
  }
  if (num_rows < 1) return;

  // Mean and M2 of this batch, then Chan's merge with the running totals:
  //   delta = mean_b - mean_a,  n = n_a + n_b
  //   mean  = mean_a + delta n_b / n
  //   M2    = M2_a + M2_b + delta^2 n_a n_b / n
  std::vector<double> batch_mean(dim, 0.0), batch_m2(dim, 0.0);
  for (int64_t n = 0; n < num_rows; ++n) {
    const float* row = values + n * dim;
    for (int c = 0; c < dim; ++c) {
      if (!std::isfinite(row[c])) {
        throw Error(
            fmt::format("feature statistics: row {}, channel {}: expected a finite value, got {}",
                        n, c, row[c]));
      }
      // Welford within the batch.
      const double delta = row[c] - batch_mean[c];
      batch_mean[c] += delta / static_cast<double>(n + 1);
      batch_m2[c] += delta * (row[c] - batch_mean[c]);
    }
  }
  Combine(batch_mean, batch_m2, num_rows);
}

FeatureNormalizer FeatureStatistics::Finish(const std::string& source) const {
  if (count_ < 1) throw Error(fmt::format("{}: expected at least 1 feature row, got none", source));
  FeatureNormalizer normalizer;
  normalizer.source = source;
  normalizer.mean.resize(mean_.size());
  normalizer.std.resize(mean_.size());
  for (size_t c = 0; c < mean_.size(); ++c) {
    normalizer.mean[c] = static_cast<float>(mean_[c]);
    normalizer.std[c] = static_cast<float>(std::sqrt(m2_[c] / static_cast<double>(count_)));
  }
  return normalizer;
}

}  // namespace intersynth
