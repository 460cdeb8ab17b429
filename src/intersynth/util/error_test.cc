#include "intersynth/util/error.h"

#include <gtest/gtest.h>

namespace intersynth {
namespace {

TEST(Error, CarriesMessage) {
  try {
    throw Error("a.bvh: line 3: expected a number, got 'x'");
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "a.bvh: line 3: expected a number, got 'x'");
  }
}

TEST(Report, OkAndFailure) {
  EXPECT_TRUE(Report::Ok().success);
  const Report failure = Report::Failure("no plane found");
  EXPECT_FALSE(failure.success);
  EXPECT_EQ(failure.message, "no plane found");
}

TEST(CheckDeathTest, FailedCheckAbortsWithMessage) {
  EXPECT_DEATH({ INTERSYNTH_CHECK(1 + 1 == 3) << "arithmetic is broken"; },
               "check failed: 1 \\+ 1 == 3 arithmetic is broken");
}

TEST(Check, PassingCheckDoesNothing) {
  int evaluated = 0;
  INTERSYNTH_CHECK(++evaluated == 1) << "never printed";
  EXPECT_EQ(evaluated, 1);
}

}  // namespace
}  // namespace intersynth
