#pragma once
// Seeded random numbers. Everything random in intersynth takes a seed, so that
// a run is repeatable on the same build (std distributions may differ between
// standard libraries; the raw engine stream does not).

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace intersynth {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  /// Uniform in [low, high).
  double Uniform(double low = 0.0, double high = 1.0) {
    return std::uniform_real_distribution<double>(low, high)(engine_);
  }
  /// Normal with the given mean and standard deviation.
  double Normal(double mean = 0.0, double stddev = 1.0) {
    return std::normal_distribution<double>(mean, stddev)(engine_);
  }
  /// Uniform integer in [low, high] (both inclusive).
  int64_t UniformInt(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(engine_);
  }
  /// True with probability p.
  bool Bernoulli(double p) { return Uniform() < p; }
  /// Fisher–Yates shuffle driven by this generator.
  template <typename T>
  void Shuffle(std::vector<T>& values) {
    for (int64_t i = static_cast<int64_t>(values.size()) - 1; i > 0; --i) {
      std::swap(values[i], values[UniformInt(0, i)]);
    }
  }
  /// A seed for a child generator, so that sub-tasks get independent streams.
  uint64_t NextSeed() { return engine_(); }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace intersynth
