#include "intersynth/util/interrupt.h"

#include <gtest/gtest.h>

#include <csignal>

namespace intersynth {
namespace {

TEST(InterruptGuard, SignalSetsTheFlagInsteadOfEndingTheProcess) {
  EXPECT_FALSE(InterruptRequested());
  {
    InterruptGuard guard;
    EXPECT_FALSE(InterruptRequested());
    std::raise(SIGINT);
    EXPECT_TRUE(InterruptRequested());
  }
  // The guard's end clears the flag and restores the old handler.
  EXPECT_FALSE(InterruptRequested());
}

TEST(InterruptGuard, NestedGuardsShareOneFlag) {
  InterruptGuard outer;
  {
    InterruptGuard inner;
    std::raise(SIGTERM);
  }
  EXPECT_TRUE(InterruptRequested());  // the outer guard still rules
}

}  // namespace
}  // namespace intersynth
