#include "intersynth/util/statistics.h"

#include <gtest/gtest.h>

namespace intersynth {
namespace {

TEST(Percentile, InterpolatesBetweenOrderStatisticsAsNumPyDoes) {
  // np.percentile([4, 1, 3, 2], [0, 10, 50, 100]) = [1, 1.3, 2.5, 4]
  const std::vector<double> values = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(Percentile(values, 0), 1.0);
  EXPECT_DOUBLE_EQ(Percentile(values, 10), 1.3);
  EXPECT_DOUBLE_EQ(Percentile(values, 50), 2.5);
  EXPECT_DOUBLE_EQ(Percentile(values, 100), 4.0);
  EXPECT_DOUBLE_EQ(Median({5, 1, 3}), 3.0);
  EXPECT_DOUBLE_EQ(Median({7}), 7.0);
}

}  // namespace
}  // namespace intersynth
