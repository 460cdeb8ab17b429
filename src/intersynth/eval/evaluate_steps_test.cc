#include "intersynth/eval/evaluate_steps.h"

#include <gtest/gtest.h>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// A row with the given paired intervals.
StepsRow Row(int steps,
             double kid,
             PairedDifference kid_difference,
             PairedDifference accuracy_difference) {
  StepsRow row;
  row.steps = steps;
  row.kid.mean = kid;
  row.kid_difference = kid_difference;
  row.accuracy_difference = accuracy_difference;
  return row;
}

TEST(SummarizePaired, IsTheStudentTIntervalOfTheMean) {
  // mean 0.5, s = 0.57735, t(0.975, 3) = 3.18245: half-width 0.918694.
  const PairedDifference d = SummarizePaired({1.0, 0.0, 0.0, 1.0});
  EXPECT_DOUBLE_EQ(d.mean, 0.5);
  EXPECT_NEAR(d.high - d.mean, 0.918694, 1e-4);  // t from a 5-digit table
  EXPECT_NEAR(d.mean - d.low, 0.918694, 1e-4);
  EXPECT_ERROR_CONTAINS(SummarizePaired({1.0}), {"2 differences", "got 1"});
}

TEST(DecideSteps, RecommendsTheFewestStepsWithinBothMargins) {
  StepsStudyReport report;
  report.reference_steps = 50;
  report.accuracy_margin = 0.03;
  report.rows = {
      // Accuracy may have fallen by up to 0.05: out.
      Row(10, 0.30, {0.01, -0.01, 0.02}, {-0.02, -0.05, 0.0}),
      // KID may have risen by 0.03 > 10% of 0.2: out.
      Row(20, 0.22, {0.02, 0.00, 0.03}, {0.00, -0.02, 0.02}),
      // Both within: the recommendation.
      Row(30, 0.21, {0.01, -0.01, 0.015}, {-0.01, -0.025, 0.005}),
      Row(50, 0.20, {0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}),
      Row(100, 0.19, {-0.01, -0.02, 0.0}, {0.01, -0.01, 0.03}),
  };
  DecideSteps(report, 0.10);
  EXPECT_NEAR(report.kid_margin_absolute, 0.02, 1e-12);
  EXPECT_FALSE(report.rows[0].within_margins);
  EXPECT_FALSE(report.rows[1].within_margins);
  EXPECT_TRUE(report.rows[2].within_margins);
  EXPECT_TRUE(report.rows[3].within_margins);
  EXPECT_TRUE(report.rows[4].within_margins);
  EXPECT_EQ(report.recommended_steps, 30);
  // 10 steps is out because its accuracy may have fallen, 20 steps because
  // its KID may have risen; neither interval is wider than twice its margin.
  EXPECT_TRUE(report.notes.empty());

  // Nothing fewer within the margins: the reference itself.
  report.rows.erase(report.rows.begin() + 2);
  DecideSteps(report, 0.10);
  EXPECT_EQ(report.recommended_steps, 50);

  // An interval too wide to decide is named.
  report.rows[0].kid_difference = {0.0, -0.03, 0.03};
  DecideSteps(report, 0.10);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("10 steps: the KID difference's interval"), std::string::npos)
      << report.notes[0];

  report.reference_steps = 40;
  EXPECT_ERROR_CONTAINS(DecideSteps(report, 0.10), {"reference", "40 steps"});
}

TEST(StepsStudyOptions, BadOptionsNameTheirField) {
  StepsStudyOptions options;
  options.model_dir = "m";
  options.evaluator_dir = "e";
  options.classifier_dir = "c";
  options.data_dir = "d";
  options.out_dir = "o";
  EXPECT_NO_THROW(options.Check());
  options.steps = {10, 0};
  EXPECT_ERROR_CONTAINS(options.Check(), {"steps"});
  options.steps = {};
  EXPECT_ERROR_CONTAINS(options.Check(), {"steps"});
  options.steps = {10};
  options.replications = 1;
  EXPECT_ERROR_CONTAINS(options.Check(), {"replications"});
  options.replications = 2;
  options.accuracy_margin = -0.1;
  EXPECT_ERROR_CONTAINS(options.Check(), {"accuracy_margin"});
}

}  // namespace
}  // namespace intersynth
