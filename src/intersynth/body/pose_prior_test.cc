#include "intersynth/body/pose_prior.h"

#include <gtest/gtest.h>

#include "intersynth/io/npz.h"
#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

TEST(PosePrior, LoadsTheBundledPriorWithItsRestSkeleton) {
  const PosePrior prior = LoadPosePrior(testing::SourceDir() / "assets/priors/pose_gmm8.npz");
  EXPECT_EQ(prior.mixture.components(), 8);
  EXPECT_EQ(prior.mixture.dimension(), 3 * static_cast<int>(kPosePriorJoints.size()));
  // The rest skeleton: pelvis at the origin, Y up, arms out (wrists far apart).
  EXPECT_LT(prior.rest_joints[0].norm(), 1e-9);
  EXPECT_GT(prior.rest_joints[kSmpl22Head].y(), 0.4);
  EXPECT_GT((prior.rest_joints[20] - prior.rest_joints[21]).norm(), 1.0);
}

TEST(PosePrior, FileWithOtherJointsIsRefusedNamingIt) {
  testing::TempDir dir;
  const std::filesystem::path source = testing::SourceDir() / "assets/priors/pose_gmm8.npz";
  NpzArchive archive = ReadNpz(source);
  archive["joints"] = NpyArray::Int64({3}, {1, 2, 3});
  WriteNpz(dir / "bad.npz", archive);
  testing::ExpectErrorContaining([&] { LoadPosePrior(dir / "bad.npz"); },
                                 {"bad.npz", "'joints' is not the 16 prior joints"});
}

TEST(PosePrior, MissingRestJointsIsRefusedNamingTheKey) {
  testing::TempDir dir;
  NpzArchive archive = ReadNpz(testing::SourceDir() / "assets/priors/pose_gmm8.npz");
  archive.erase("rest_joints");
  WriteNpz(dir / "norest.npz", archive);
  testing::ExpectErrorContaining([&] { LoadPosePrior(dir / "norest.npz"); },
                                 {"norest.npz", "rest_joints"});
}

}  // namespace
}  // namespace intersynth
