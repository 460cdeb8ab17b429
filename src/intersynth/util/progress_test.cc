#include "intersynth/util/progress.h"

#include <gtest/gtest.h>

#include "intersynth/util/options.h"

namespace intersynth {
namespace {

TEST(Progress, FormatHalfWay) {
  // 50 of 100 in 10 s: 5/s, 10 s left.
  EXPECT_EQ(FormatProgress("enc", 50, 100, 10.0, 10), "enc [=====>    ] 50/100  5.0/s  ETA 00:10");
}

TEST(Progress, FormatDoneHasFullBar) {
  EXPECT_EQ(FormatProgress("enc", 4, 4, 2.0, 4), "enc [====] 4/4  2.0/s  ETA 00:00");
}

TEST(Progress, FormatUnknownTotalHasNoEta) {
  EXPECT_EQ(FormatProgress("read", 7, 0, 1.0, 10), "read 7  7.0/s");
}

TEST(Progress, FormatZeroElapsedHasUnknownEta) {
  EXPECT_EQ(FormatProgress("x", 0, 3, 0.0, 3), "x [>  ] 0/3  0.0/s  ETA --:--");
}

TEST(Progress, DurationHours) {
  EXPECT_EQ(FormatDuration(3725), "1:02:05");
  EXPECT_EQ(FormatDuration(65), "01:05");
}

TEST(Progress, QuietWhenNotATerminalCountsAnyway) {
  std::FILE* sink = std::tmpfile();
  ProgressBar bar("x", 10, {.force = false, .min_interval_s = 0, .bar_width = 5, .stream = sink});
  bar.Tick(3);
  EXPECT_EQ(bar.count(), 3);
  bar.Finish();
  if (!bar.enabled()) {
    EXPECT_EQ(std::ftell(sink), 0);  // ctest pipes stdout
  }
  std::fclose(sink);
}

TEST(Progress, ForcedBarDraws) {
  std::FILE* sink = std::tmpfile();
  {
    ProgressBar bar("x", 2, {.force = true, .min_interval_s = 0, .bar_width = 2, .stream = sink});
    bar.Tick();
    bar.Tick();
  }
  EXPECT_GT(std::ftell(sink), 0);
  std::fclose(sink);
}

TEST(ProgressOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(ProgressOptions{}.Check());
  ProgressOptions options;
  options.bar_width = 0;
  try {
    options.Check();
    ADD_FAILURE() << "bar_width 0 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"bar_width"});
    EXPECT_STREQ(e.what(), "bar_width must be >= 1, got 0");
  }
  options = {};
  options.min_interval_s = -1.0;
  EXPECT_THROW(options.Check(), OptionError);
  options = {};
  options.stream = nullptr;
  EXPECT_THROW(ProgressBar("x", 1, options), OptionError);
}

}  // namespace
}  // namespace intersynth
