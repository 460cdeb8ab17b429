#include "intersynth/util/timer.h"

#include <gtest/gtest.h>

#include <thread>

namespace intersynth {
namespace {

TEST(Timer, CountsUpAndRestartsFromZero) {
  Timer timer;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double first = timer.Seconds();
  EXPECT_GE(first, 0.019);
  EXPECT_GE(timer.Seconds(), first);  // monotonic
  timer.Restart();
  EXPECT_LT(timer.Seconds(), first);
}

}  // namespace
}  // namespace intersynth
