#include "intersynth/util/options.h"

#include <gtest/gtest.h>

#include <cmath>

namespace intersynth {
namespace {

enum class Colour { kRed, kGreen, kBlue };
constexpr EnumName<Colour> kColourNames[] = {
    {Colour::kRed, "red"}, {Colour::kGreen, "green"}, {Colour::kBlue, "blue"}};

struct Inner {
  int steps = 1;
  void Check() const { CheckAtLeast(steps, 1, "steps"); }
};

struct Outer {
  double rate = 0.5;
  Inner inner;
  void Check() const {
    CheckPositive(rate, "rate");
    CheckNested("inner", [&] { inner.Check(); });
  }
};

TEST(OptionError, WhatShowsFieldNamesWithoutBraces) {
  const OptionError e("{fit.adam_learning_rate} must be > 0, got -1");
  EXPECT_STREQ(e.what(), "fit.adam_learning_rate must be > 0, got -1");
  EXPECT_EQ(e.fields(), std::vector<std::string>{"fit.adam_learning_rate"});
}

TEST(OptionError, RenderReplacesEveryField) {
  const OptionError e("{regressor} needs {frames}: give {frames}");
  EXPECT_EQ(e.Render([](const std::string& f) { return "--" + f; }),
            "--regressor needs --frames: give --frames");
  EXPECT_EQ(e.fields(), (std::vector<std::string>{"regressor", "frames", "frames"}));
}

TEST(OptionError, ValuesInBracesAreNotFields) {
  // Upper case, spaces and punctuation never form a field.
  const OptionError e("{ids} must be distinct, got {1, 2, 2} and {A}");
  EXPECT_STREQ(e.what(), "ids must be distinct, got {1, 2, 2} and {A}");
  EXPECT_EQ(e.fields(), std::vector<std::string>{"ids"});
}

TEST(OptionError, IsAnError) {
  try {
    throw OptionError("{steps} must be >= 1, got 0");
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "steps must be >= 1, got 0");
  }
}

TEST(CheckNested, PrefixesTheInnerStructsFields) {
  Outer outer;
  outer.inner.steps = 0;
  try {
    outer.Check();
    FAIL() << "no error";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.message_with_fields(), "{inner.steps} must be >= 1, got 0");
    EXPECT_STREQ(e.what(), "inner.steps must be >= 1, got 0");
  }
  outer.inner.steps = 2;
  EXPECT_NO_THROW(outer.Check());
}

TEST(CheckHelpers, NaNFailsEveryRangeCheck) {
  const double nan = std::nan("");
  EXPECT_THROW(CheckPositive(nan, "x"), OptionError);
  EXPECT_THROW(CheckAtLeast(nan, 0.0, "x"), OptionError);
  EXPECT_THROW(CheckInRange(nan, 0.0, 1.0, "x"), OptionError);
  EXPECT_THROW(CheckFinite(nan, "x"), OptionError);
  EXPECT_THROW(CheckFinite(INFINITY, "x"), OptionError);
  EXPECT_NO_THROW(CheckInRange(1.0, 0.0, 1.0, "x"));
  EXPECT_NO_THROW(CheckFinite(-3.0, "x"));
}

TEST(CheckHelpers, MessagesNameTheFieldAndValue) {
  try {
    CheckInRange(1.5, 0.0, 1.0, "drop");
  } catch (const OptionError& e) {
    EXPECT_EQ(e.message_with_fields(), "{drop} must be in [0, 1], got 1.5");
  }
  try {
    CheckRequired("", "out");
  } catch (const OptionError& e) {
    EXPECT_EQ(e.message_with_fields(), "{out} is required");
  }
}

TEST(EnumNames, RoundTripEveryValue) {
  for (const EnumName<Colour>& n : kColourNames) {
    EXPECT_EQ(EnumToString(n.value, kColourNames), n.name);
    EXPECT_EQ(EnumFromString(n.name, kColourNames, "colour"), n.value);
  }
  EXPECT_EQ(EnumChoices(kColourNames), "red, green or blue");
}

TEST(EnumNames, UnknownNameNamesTheFieldAndTheChoices) {
  try {
    EnumFromString("mauve", kColourNames, "colour");
    FAIL() << "no error";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.message_with_fields(), "{colour} must be red, green or blue, got 'mauve'");
  }
}

}  // namespace
}  // namespace intersynth
