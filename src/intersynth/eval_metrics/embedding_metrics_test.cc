#include "intersynth/eval_metrics/embedding_metrics.h"

#include <gtest/gtest.h>

#include <Eigen/LU>
#include <cmath>
#include <random>
#include <utility>

#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

Eigen::MatrixXd RandomGaussian(int n,
                               const Eigen::VectorXd& mean,
                               const Eigen::VectorXd& stddev,
                               Rng& rng) {
  Eigen::MatrixXd samples(n, mean.size());
  for (int i = 0; i < n; ++i) {
    for (int d = 0; d < mean.size(); ++d) samples(i, d) = rng.Normal(mean(d), stddev(d));
  }
  return samples;
}

TEST(Fid, SetWithItselfIsZero) {
  Rng rng(1);
  const Eigen::MatrixXd a =
      RandomGaussian(500, Eigen::VectorXd::Zero(16), Eigen::VectorXd::Ones(16), rng);
  EXPECT_NEAR(Fid(a, a), 0.0, 1e-8);
}

// Diagonal covariances: FID = |mu_a - mu_b|^2 + sum_d (sigma_a,d - sigma_b,d)^2.
TEST(Fid, DiagonalGaussiansEqualClosedForm) {
  GaussianStats a{Eigen::Vector3d(0.0, 1.0, -2.0), Eigen::Vector3d(1.0, 4.0, 0.25).asDiagonal()};
  GaussianStats b{Eigen::Vector3d(1.0, 1.0, 0.0), Eigen::Vector3d(9.0, 1.0, 0.25).asDiagonal()};
  const double closed = (1.0 + 0.0 + 4.0) + (4.0 + 1.0 + 0.0);
  EXPECT_NEAR(FrechetDistance(a, b), closed, 1e-10);
}

// Full covariances, S_a = [[2, .5], [.5, 1]], S_b = [[1, -.3], [-.3, .5]],
// mu_a = (0, 0), mu_b = (1, 2): fid = 5 + tr S_a + tr S_b - 2 tr sqrtm(S_a S_b).
// The trace of the square root of a 2x2 product M with det >= 0 and real
// non-negative eigenvalues is sqrt(tr M + 2 sqrt(det M)) (both roots summed):
// (sqrt(l1) + sqrt(l2))^2 = l1 + l2 + 2 sqrt(l1 l2).
TEST(Fid, FullCovariancesEqualClosedForm) {
  Eigen::Matrix2d sa;
  sa << 2.0, 0.5, 0.5, 1.0;
  Eigen::Matrix2d sb;
  sb << 1.0, -0.3, -0.3, 0.5;
  const Eigen::Matrix2d m = sa * sb;
  const double trace_root = std::sqrt(m.trace() + 2.0 * std::sqrt(m.determinant()));
  const double closed = 5.0 + sa.trace() + sb.trace() - 2.0 * trace_root;
  GaussianStats a{Eigen::Vector2d(0.0, 0.0), sa};
  GaussianStats b{Eigen::Vector2d(1.0, 2.0), sb};
  EXPECT_NEAR(FrechetDistance(a, b), closed, 1e-10);
  EXPECT_NEAR(FrechetDistance(b, a), closed, 1e-10);
}

// Sampled sets converge on the closed form of their generating Gaussians.
TEST(Fid, SamplesApproachTheirGaussians) {
  Rng rng(2);
  const Eigen::MatrixXd a =
      RandomGaussian(40000, Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(1, 2, 1), rng);
  const Eigen::MatrixXd b =
      RandomGaussian(40000, Eigen::Vector3d(1, 0, 0), Eigen::Vector3d(1, 1, 3), rng);
  const double closed = 1.0 + (0.0 + 1.0 + 4.0);
  EXPECT_NEAR(Fid(a, b), closed, 0.1);
}

TEST(Fid, RejectsTooFewOrMismatchedEmbeddings) {
  EXPECT_THROW(Fid(Eigen::MatrixXd::Zero(1, 4), Eigen::MatrixXd::Zero(5, 4)), Error);
  EXPECT_THROW(Fid(Eigen::MatrixXd::Random(5, 3), Eigen::MatrixXd::Random(5, 4)), Error);
}

TEST(RPrecision, PerfectlyMatchedEmbeddingsScoreOne) {
  Rng rng(3);
  const Eigen::MatrixXd text =
      RandomGaussian(96, Eigen::VectorXd::Zero(8), Eigen::VectorXd::Ones(8), rng);
  std::vector<int> captions(96);
  for (int i = 0; i < 96; ++i) captions[i] = i;
  const RPrecisionResult result = RPrecision(text, text, captions);
  EXPECT_EQ(result.num_batches, 3);
  EXPECT_EQ(result.num_pairs, 96);
  for (double top : result.top_k) EXPECT_DOUBLE_EQ(top, 1.0);
  EXPECT_NEAR(result.mm_dist, 0.0, 1e-12);
}

// Independent text and motion embeddings: the own motion is a uniform draw
// among 32, so top-k is k / 32 (6,400 pairs: standard error ~0.004).
TEST(RPrecision, RandomEmbeddingsScoreChance) {
  Rng rng(4);
  const int n = 32 * 200;
  const Eigen::MatrixXd text =
      RandomGaussian(n, Eigen::VectorXd::Zero(8), Eigen::VectorXd::Ones(8), rng);
  const Eigen::MatrixXd motion =
      RandomGaussian(n, Eigen::VectorXd::Zero(8), Eigen::VectorXd::Ones(8), rng);
  std::vector<int> captions(n);
  for (int i = 0; i < n; ++i) captions[i] = i;
  const RPrecisionResult result = RPrecision(text, motion, captions, {32, 7});
  EXPECT_NEAR(result.top_k[0], 1.0 / 32.0, 0.012);
  EXPECT_NEAR(result.top_k[1], 2.0 / 32.0, 0.015);
  EXPECT_NEAR(result.top_k[2], 3.0 / 32.0, 0.015);
  // E|x - y| for independent N(0, I_8) is sqrt(2) E|N(0, I_8)|
  // = sqrt(2) sqrt(2) Gamma(4.5) / Gamma(4) = 2 * 11.6317 / 6.
  EXPECT_NEAR(result.mm_dist, 2.0 * 11.6317 / 6.0, 0.05);
}

// Two pairs share each caption and its text embedding; the second pair's
// motion lies nearer to that text than the first's. Were the two in one
// batch, the first text's nearest motion would be its partner's: top-1 is 1
// only when pairs of one caption never meet.
TEST(RPrecision, PairsSharingACaptionNeverShareABatch) {
  Rng rng(5);
  const int captions_count = 64;
  Eigen::MatrixXd text(2 * captions_count, 4);
  Eigen::MatrixXd motion(2 * captions_count, 4);
  std::vector<int> captions(2 * captions_count);
  for (int c = 0; c < captions_count; ++c) {
    Eigen::Vector4d centre;
    for (int d = 0; d < 4; ++d) centre(d) = rng.Normal(0.0, 10.0);
    for (int k = 0; k < 2; ++k) {
      const int i = 2 * c + k;
      text.row(i) = centre.transpose();
      motion.row(i) = (centre + Eigen::Vector4d(k == 0 ? 0.2 : 0.1, 0, 0, 0)).transpose();
      captions[i] = c;
    }
  }
  const RPrecisionResult result = RPrecision(text, motion, captions);
  EXPECT_EQ(result.num_pairs, 128);
  EXPECT_DOUBLE_EQ(result.top_k[0], 1.0);
}

TEST(RPrecision, FewerDistinctCaptionsThanABatchIsAnError) {
  const Eigen::MatrixXd text = Eigen::MatrixXd::Random(40, 4);
  std::vector<int> captions(40);
  for (int i = 0; i < 40; ++i) captions[i] = i % 10;
  try {
    RPrecision(text, text, captions);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("10 distinct captions"), std::string::npos) << e.what();
  }
  EXPECT_THROW(RPrecision(text, Eigen::MatrixXd::Random(39, 4), captions), Error);
}

// Points spread evenly on a circle of radius r: the mean distance between two
// random points is 4 r / pi.
Eigen::MatrixXd Circle(int n, double radius) {
  Eigen::MatrixXd points(n, 2);
  for (int i = 0; i < n; ++i) {
    const double angle = 2.0 * M_PI * i / n;
    points.row(i) << radius * std::cos(angle), radius * std::sin(angle);
  }
  return points;
}

TEST(Diversity, PointsOnACircle) {
  const Eigen::MatrixXd points = Circle(2000, 2.0);
  double mean = 0.0;
  for (int seed = 0; seed < 50; ++seed) mean += Diversity(points, 300, seed) / 50.0;
  EXPECT_NEAR(mean, 4.0 * 2.0 / M_PI, 0.02 * 8.0 / M_PI);
  EXPECT_DOUBLE_EQ(Diversity(points, 300, 9), Diversity(points, 300, 9));
  EXPECT_THROW(Diversity(points, 3000, 0), Error);
}

TEST(Multimodality, CirclesOfKnownRadiiAndIdenticalSamples) {
  std::vector<Eigen::MatrixXd> groups = {Circle(1000, 1.0), Circle(1000, 3.0)};
  double mean = 0.0;
  for (int seed = 0; seed < 50; ++seed) mean += Multimodality(groups, 200, seed) / 50.0;
  EXPECT_NEAR(mean, 0.5 * (4.0 / M_PI + 12.0 / M_PI), 0.03 * 8.0 / M_PI);
  const std::vector<Eigen::MatrixXd> same = {Eigen::MatrixXd::Ones(30, 5),
                                             Eigen::MatrixXd::Zero(30, 5)};
  EXPECT_DOUBLE_EQ(Multimodality(same, 10, 0), 0.0);
  EXPECT_THROW(Multimodality(same, 31, 0), Error);
  EXPECT_THROW(Multimodality({}, 10, 0), Error);
}

TEST(Summarize, MeanAndStudentTNinetyFivePercentInterval) {
  const MeanInterval summary = Summarize({1.0, 2.0, 3.0, 4.0});
  EXPECT_DOUBLE_EQ(summary.mean, 2.5);
  // s = sqrt(5/3) (ddof 1), t_{0.975, 3} = 3.1824 (scipy.stats.t.ppf).
  EXPECT_NEAR(summary.ci95, 3.1824 * std::sqrt(5.0 / 3.0) / 2.0, 1e-12);
  EXPECT_EQ(summary.replications, 4);
  // Two replications: 12.706 x s / sqrt(2), nine times the old 1.96 x sd(ddof 0).
  EXPECT_NEAR(Summarize({1.0, 3.0}).ci95, 12.7062 * std::sqrt(2.0) / std::sqrt(2.0), 1e-9);
  EXPECT_TRUE(std::isnan(Summarize({7.0}).ci95));
  EXPECT_THROW(Summarize({}), Error);
}

TEST(StudentT975, TabulatedAndInterpolatedQuantiles) {
  // scipy.stats.t.ppf(0.975, dof) for dof = 1, 4, 9, 29, 30, 50, 100, 1000.
  EXPECT_NEAR(StudentT975(1), 12.7062, 1e-4);
  EXPECT_NEAR(StudentT975(4), 2.7764, 1e-4);
  EXPECT_NEAR(StudentT975(9), 2.2622, 1e-4);
  EXPECT_NEAR(StudentT975(29), 2.0452, 1e-4);
  EXPECT_NEAR(StudentT975(30), 2.0423, 1e-4);
  EXPECT_NEAR(StudentT975(50), 2.0086, 1e-3);
  EXPECT_NEAR(StudentT975(100), 1.9840, 1e-3);
  EXPECT_NEAR(StudentT975(1000), 1.9623, 1e-3);
  EXPECT_THROW(StudentT975(0), Error);
}

TEST(Kid, UnbiasedPolynomialMmdMatchesTheFormulaAndHasNoSizeBias) {
  // A hand-checked case: a = {(1, 0), (0, 1)}, b = {(1, 1), (0, 0)}, D = 2.
  // k(a1,a2) = (0/2+1)^3 = 1; k(b1,b2) = 1; cross: k(a1,b1) = 1.5^3, k(a1,b2) = 1,
  // k(a2,b1) = 1.5^3, k(a2,b2) = 1 -> KID = 1 + 1 - 2 (2 x 3.375 + 2) / 4 = -2.375.
  Eigen::MatrixXd a(2, 2), b(2, 2);
  a << 1, 0, 0, 1;
  b << 1, 1, 0, 0;
  EXPECT_NEAR(Kid(a, b), -2.375, 1e-12);
  // Two samples of one Gaussian: KID is near 0 at every size while FID
  // falls with n (its bias); a shifted distribution is clearly positive.
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  auto sample = [&](int n, double shift) {
    Eigen::MatrixXd x(n, 16);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < 16; ++j) x(i, j) = normal(rng) + shift;
    return x;
  };
  // Thresholds are 4 standard deviations of the estimate (numpy, 200 draws:
  // 0.037 at n = 64, 0.011 at n = 256); the shifted pair gave >= 0.65.
  for (const auto& [n, spread] : {std::pair{64, 0.15}, std::pair{256, 0.045}}) {
    EXPECT_LT(std::abs(Kid(sample(n, 0.0), sample(n, 0.0))), spread) << n;
    EXPECT_GT(Kid(sample(n, 0.0), sample(n, 0.5)), 0.3) << n;
  }
  EXPECT_GT(Fid(sample(64, 0.0), sample(64, 0.0)), Fid(sample(256, 0.0), sample(256, 0.0)));
  EXPECT_THROW(Kid(a, Eigen::MatrixXd(3, 3)), Error);
  EXPECT_THROW(Kid(a.topRows(1), b), Error);
}

TEST(RPrecisionOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(RPrecisionOptions{}.Check());
  RPrecisionOptions options;
  options.batch_size = 1;
  try {
    RPrecision(Eigen::MatrixXd::Zero(4, 2), Eigen::MatrixXd::Zero(4, 2), {0, 1, 2, 3}, options);
    ADD_FAILURE() << "a batch of 1 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"batch_size"});
    EXPECT_STREQ(e.what(), "batch_size must be >= 2, got 1");
  }
}

}  // namespace
}  // namespace intersynth
