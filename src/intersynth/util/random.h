#pragma once
// Seeded random numbers. Everything random in intersynth takes a seed, so that
// a run is repeatable on the same build (std distributions may differ between
// standard libraries; the raw engine stream does not).

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace intersynth {

/// A generator seed from three numbers: SplitMix64's finaliser over a
/// running combination, mix(mix(mix(a) ^ b) ^ c), with
///   mix(z) = z' ^ (z' >> 31) of z' = z + 0x9e3779b97f4a7c15 passed
///   through (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9 and (z ^ (z >> 27)) * 0x94d049bb133111eb.
/// Streams of (seed, step, sample) are then independent of each other and
/// of the order they are drawn in (training steps, samples of a batch).
inline uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c) {
  auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return mix(mix(mix(a) ^ b) ^ c);
}

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
