#include "intersynth/io/json.h"

#include <gtest/gtest.h>

#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

TEST(Json, WriteReadRoundTrip) {
  testing::TempDir dir;
  const nlohmann::json value = {{"layers", 4}, {"name", "Ängste"}, {"sizes", {1, 2, 3}}};
  WriteJson(dir / "a.json", value);
  EXPECT_EQ(ReadJson(dir / "a.json"), value);
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);
}

TEST(Json, SyntaxErrorNamesLineAndColumn) {
  // The stray '}' is on line 3.
  EXPECT_ERROR_CONTAINS(ParseJson("{\n  \"a\": 1,\n  }", "cfg.json"),
                        {"cfg.json:3:", "invalid JSON"});
}

TEST(Json, MissingFileNamesIt) {
  EXPECT_ERROR_CONTAINS(ReadJson("/nonexistent/cfg.json"),
                        {"/nonexistent/cfg.json", "no such file"});
}

TEST(Json, RequireMissingKeyAndWrongType) {
  const nlohmann::json config = {{"layers", "four"}};
  EXPECT_ERROR_CONTAINS(JsonRequire<int>(config, "heads", "cfg.json"), {"cfg.json", "'heads'"});
  EXPECT_ERROR_CONTAINS(JsonRequire<int>(config, "layers", "cfg.json"),
                        {"cfg.json", "'layers'", "string"});
  EXPECT_EQ(JsonRequire<std::string>(config, "layers", "cfg.json"), "four");
}

}  // namespace
}  // namespace intersynth
