#include "intersynth/body/gaussian_mixture.h"

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <cmath>

#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

/// N samples from a known 2-component mixture in 3-D.
Eigen::MatrixXd TwoBlobs(int n, uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd samples(n, 3);
  Eigen::Matrix3d a;  // a random-ish factor for component 1's covariance
  a << 0.5, 0.0, 0.0, 0.3, 0.2, 0.0, -0.1, 0.1, 0.4;
  for (int i = 0; i < n; ++i) {
    const Eigen::Vector3d z(rng.Normal(), rng.Normal(), rng.Normal());
    if (rng.Uniform() < 0.3) {
      samples.row(i) = (Eigen::Vector3d(3, 0, -1) + 0.2 * z).transpose();
    } else {
      samples.row(i) = (Eigen::Vector3d(-1, 2, 0) + a * z).transpose();
    }
  }
  return samples;
}

TEST(GaussianMixture, EmRecoversAKnownMixture) {
  GaussianMixtureOptions options;
  options.components = 2;
  options.seed = 4;
  GaussianMixtureReport report;
  const GaussianMixture gmm = FitGaussianMixture(TwoBlobs(6000, 1), options, &report);
  EXPECT_TRUE(report.converged);
  const int small = gmm.weights()[0] < gmm.weights()[1] ? 0 : 1;
  EXPECT_NEAR(gmm.weights()[small], 0.3, 0.02);
  EXPECT_LT((gmm.means()[small] - Eigen::Vector3d(3, 0, -1)).norm(), 0.02);
  EXPECT_LT((gmm.means()[1 - small] - Eigen::Vector3d(-1, 2, 0)).norm(), 0.03);
  Eigen::Matrix3d a;
  a << 0.5, 0.0, 0.0, 0.3, 0.2, 0.0, -0.1, 0.1, 0.4;
  EXPECT_LT((gmm.covariances()[1 - small] - a * a.transpose()).cwiseAbs().maxCoeff(), 0.02);
  EXPECT_LT((gmm.covariances()[small] - 0.04 * Eigen::Matrix3d::Identity()).cwiseAbs().maxCoeff(),
            0.005);
}

TEST(GaussianMixture, DensitiesAndTheMaxMixtureBound) {
  // One component: the density is the Gaussian's, written out.
  Eigen::Matrix2d sigma;
  sigma << 2.0, 0.3, 0.3, 0.5;
  const GaussianMixture one({1.0}, {Eigen::Vector2d(1, -1)}, {sigma});
  const Eigen::Vector2d x(0.2, 0.4);
  const Eigen::Vector2d d = x - Eigen::Vector2d(1, -1);
  const double expected = 0.5 * (2 * std::log(2 * EIGEN_PI) + std::log(sigma.determinant()) +
                                 d.dot(sigma.inverse() * d));
  EXPECT_NEAR(one.NegativeLogLikelihood(x), expected, 1e-12);
  EXPECT_NEAR(one.MaxMixtureEnergy(x), expected, 1e-12);
  // Several: -log p <= max-mixture energy <= -log p + log K.
  GaussianMixtureOptions options;
  options.components = 4;
  const GaussianMixture gmm = FitGaussianMixture(TwoBlobs(500, 2), options);
  Rng rng(5);
  for (int i = 0; i < 20; ++i) {
    const Eigen::Vector3d y(rng.Uniform(-3, 4), rng.Uniform(-1, 3), rng.Uniform(-2, 1));
    int best = -1;
    const double energy = gmm.MaxMixtureEnergy(y, &best);
    EXPECT_GE(energy, gmm.NegativeLogLikelihood(y) - 1e-12);
    EXPECT_LE(energy, gmm.NegativeLogLikelihood(y) + std::log(4.0) + 1e-12);
    EXPECT_GE(best, 0);
  }
}

TEST(GaussianMixture, FileRoundTripAndErrors) {
  GaussianMixtureOptions options;
  options.components = 3;
  const GaussianMixture gmm = FitGaussianMixture(TwoBlobs(300, 3), options);
  testing::TempDir dir;
  gmm.Write(dir / "prior.npz", "test prior");
  const GaussianMixture back = GaussianMixture::Read(dir / "prior.npz");
  ASSERT_EQ(back.components(), 3);
  const Eigen::Vector3d x(0.1, 0.2, 0.3);
  EXPECT_NEAR(back.NegativeLogLikelihood(x), gmm.NegativeLogLikelihood(x), 1e-12);

  EXPECT_ERROR_CONTAINS(
      GaussianMixture({0.5, 0.6}, {Eigen::Vector2d::Zero(), Eigen::Vector2d::Zero()},
                      {Eigen::Matrix2d::Identity(), Eigen::Matrix2d::Identity()}),
      {"sum to 1.1"});
  Eigen::Matrix2d not_pd;
  not_pd << 1.0, 2.0, 2.0, 1.0;
  EXPECT_ERROR_CONTAINS(GaussianMixture({1.0}, {Eigen::Vector2d::Zero()}, {not_pd}),
                        {"positive definite"});
  EXPECT_ERROR_CONTAINS(FitGaussianMixture(Eigen::MatrixXd::Zero(2, 3), options),
                        {"2 samples", "3 components"});
  EXPECT_ERROR_CONTAINS(GaussianMixture::Read(dir / "missing.npz"), {"missing.npz"});
}

TEST(GaussianMixture, DegenerateDataStayPositiveDefinite) {
  // Samples on a line in 3-D: the covariances are singular without reg_covar.
  Eigen::MatrixXd line(200, 3);
  for (int i = 0; i < 200; ++i) line.row(i) = Eigen::RowVector3d(i * 0.01, 2 * i * 0.01, 0.0);
  GaussianMixtureOptions options;
  options.components = 2;
  options.reg_covar = 1e-6;
  const GaussianMixture gmm = FitGaussianMixture(line, options);
  EXPECT_TRUE(std::isfinite(gmm.NegativeLogLikelihood(Eigen::Vector3d(0.5, 1.0, 0.0))));
}

TEST(GaussianMixtureOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(GaussianMixtureOptions{}.Check());
  GaussianMixtureOptions options;
  options.components = 0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"components must be >= 1, got 0"});
  options = {};
  options.tolerance = 0.0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"tolerance must be > 0, got 0"});
  options = {};
  options.reg_covar = -1e-6;
  try {
    FitGaussianMixture(Eigen::MatrixXd::Zero(10, 2), options);
    ADD_FAILURE() << "reg_covar < 0 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"reg_covar"});
  }
}

}  // namespace
}  // namespace intersynth
