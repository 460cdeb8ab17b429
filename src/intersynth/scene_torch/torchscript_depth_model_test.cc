#include "intersynth/scene_torch/torchscript_depth_model.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "intersynth/io/json.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

// Fixtures made by testdata/scene/make_tiny_depth_models.py (see its header).
std::filesystem::path Fixture(const std::string& name) {
  return testing::SourceDir() / "testdata" / "scene" / name;
}

// The script's test image: R = (37 r + 11 c) % 256, G = (5 r + 23 c + 100) %
// 256, B = (7 r c + 50) % 256 at row r, column c.
RgbImage TestImage(int width, int height) {
  RgbImage image;
  image.width = width;
  image.height = height;
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  for (int r = 0; r < height; ++r) {
    for (int c = 0; c < width; ++c) {
      uint8_t* pixel = image.rgb.data() + (static_cast<size_t>(r) * width + c) * 3;
      pixel[0] = static_cast<uint8_t>((37 * r + 11 * c) % 256);
      pixel[1] = static_cast<uint8_t>((5 * r + 23 * c + 100) % 256);
      pixel[2] = static_cast<uint8_t>((7 * r * c + 50) % 256);
    }
  }
  return image;
}

// The expected-values entry of one fixture file.
nlohmann::json ExpectedFor(const std::string& file) {
  const nlohmann::json expected = ReadJson(Fixture("tiny_depth_expected.json"));
  for (const nlohmann::json& model : expected.at("models")) {
    if (model.at("file").get<std::string>() == file) return model;
  }
  ADD_FAILURE() << file << " is not in tiny_depth_expected.json";
  return {};
}

// Predicts on the script's test image and compares every pixel with Python's
// output (null there: non-finite here).
void ExpectMatchesPython(const std::string& file, DepthOutputKind kind) {
  SCOPED_TRACE(file);
  const nlohmann::json expected = ExpectedFor(file);
  const nlohmann::json image_size = ReadJson(Fixture("tiny_depth_expected.json")).at("image");
  const TorchScriptDepthModel model = TorchScriptDepthModel::Load(Fixture(file));
  EXPECT_EQ(model.output_kind(), kind);
  EXPECT_EQ(ToString(model.output_kind()), expected.at("output_kind").get<std::string>());

  const DepthPrediction prediction =
      model.Predict(TestImage(image_size.at("width"), image_size.at("height")));
  EXPECT_EQ(prediction.kind, kind);
  ASSERT_EQ(prediction.map.height, expected.at("height").get<int>());
  ASSERT_EQ(prediction.map.width, expected.at("width").get<int>());
  ASSERT_EQ(prediction.map.values.size(), static_cast<size_t>(prediction.map.size()));
  EXPECT_EQ(prediction.non_finite, expected.at("non_finite").get<int64_t>());
  const nlohmann::json& rows = expected.at("values");
  for (int row = 0; row < prediction.map.height; ++row) {
    for (int col = 0; col < prediction.map.width; ++col) {
      const nlohmann::json& value = rows.at(row).at(col);
      const float actual = prediction.map.at(row, col);
      if (value.is_null()) {
        EXPECT_FALSE(std::isfinite(actual)) << "row " << row << ", col " << col;
      } else {
        EXPECT_NEAR(actual, value.get<float>(), 1e-5) << "row " << row << ", col " << col;
      }
    }
  }
}

TEST(TorchScriptDepthModel, MetricDepthMatchesPython) {
  ExpectMatchesPython("tiny_metric_depth.pt", DepthOutputKind::kMetricDepth);
}

TEST(TorchScriptDepthModel, ResizedDisparityMatchesPython) {
  // 12 x 9 in, resized to the declared 42 x 28 (the module asserts that size),
  // so the comparison covers the adapter's bilinear resize as well.
  ExpectMatchesPython("tiny_disparity.pt", DepthOutputKind::kDisparity);
}

TEST(TorchScriptDepthModel, Float64OutputWithNonFiniteValuesIsCounted) {
  // Row 0 NaN and (1, 0) +inf: 12 + 1 values, counted, not an error.
  ExpectMatchesPython("float64_nan_depth.pt", DepthOutputKind::kMetricDepth);
  const TorchScriptDepthModel model = TorchScriptDepthModel::Load(Fixture("float64_nan_depth.pt"));
  const DepthPrediction prediction = model.Predict(TestImage(5, 4));
  EXPECT_EQ(prediction.non_finite, 5 + 1);
  EXPECT_TRUE(std::isnan(prediction.map.at(0, 2)));
  EXPECT_TRUE(std::isinf(prediction.map.at(1, 0)));
}

TEST(TorchScriptDepthModel, KindsAndDeclaredInputSize) {
  EXPECT_EQ(ToString(DepthOutputKind::kMetricDepth), "metric_depth");
  EXPECT_EQ(ToString(DepthOutputKind::kDisparity), "disparity");
  const TorchScriptDepthModel metric = TorchScriptDepthModel::Load(Fixture("tiny_metric_depth.pt"));
  EXPECT_EQ(metric.output_kind(), DepthOutputKind::kMetricDepth);
  EXPECT_EQ(metric.input_height(), 0);
  EXPECT_EQ(metric.input_width(), 0);
  EXPECT_EQ(metric.path(), Fixture("tiny_metric_depth.pt"));
  const TorchScriptDepthModel disparity = TorchScriptDepthModel::Load(Fixture("tiny_disparity.pt"));
  EXPECT_EQ(disparity.output_kind(), DepthOutputKind::kDisparity);
  EXPECT_EQ(disparity.input_height(), 28);
  EXPECT_EQ(disparity.input_width(), 42);
}

TEST(TorchScriptDepthModel, OutputAtOwnSizeWithoutDeclaredSize) {
  // No declared size: the image goes in as it is, the map comes out as large.
  const TorchScriptDepthModel model = TorchScriptDepthModel::Load(Fixture("tiny_metric_depth.pt"));
  for (const auto& [width, height] : {std::pair{1, 1}, std::pair{17, 5}, std::pair{64, 48}}) {
    const DepthPrediction prediction = model.Predict(TestImage(width, height));
    EXPECT_EQ(prediction.map.width, width);
    EXPECT_EQ(prediction.map.height, height);
    EXPECT_EQ(prediction.non_finite, 0);
  }
}

TEST(TorchScriptDepthModel, ResizeGivesTheDeclaredSize) {
  // Any image size, larger or smaller, same or other aspect: 42 x 28 out.
  const TorchScriptDepthModel model = TorchScriptDepthModel::Load(Fixture("tiny_disparity.pt"));
  for (const auto& [width, height] :
       {std::pair{42, 28}, std::pair{3, 2}, std::pair{640, 480}, std::pair{7, 31}}) {
    SCOPED_TRACE(::testing::Message() << width << " x " << height);
    const DepthPrediction prediction = model.Predict(TestImage(width, height));
    EXPECT_EQ(prediction.map.width, 42);
    EXPECT_EQ(prediction.map.height, 28);
    EXPECT_EQ(prediction.kind, DepthOutputKind::kDisparity);
  }
  // A constant image stays constant through the resize: the tensor path at
  // the declared size and the image path at another size agree.
  RgbImage grey;
  grey.width = 20;
  grey.height = 10;
  grey.rgb.assign(20 * 10 * 3, 51);  // 0.2 exactly after / 255
  const DepthPrediction resized = model.Predict(grey);
  const torch::Tensor direct = model.PredictTensor(torch::full({1, 3, 28, 42}, 51.0f / 255.0f));
  ASSERT_EQ(direct.sizes(), (std::vector<int64_t>{28, 42}));
  for (int row = 0; row < 28; ++row) {
    for (int col = 0; col < 42; ++col) {
      ASSERT_NEAR(resized.map.at(row, col), direct[row][col].item<float>(), 1e-6);
    }
  }
}

TEST(TorchScriptDepthModel, OutputNeedsNoGradient) {
  const TorchScriptDepthModel model = TorchScriptDepthModel::Load(Fixture("tiny_metric_depth.pt"));
  const torch::Tensor image = torch::full({1, 3, 8, 6}, 0.25f).requires_grad_(true);
  const torch::Tensor out = model.PredictTensor(image);
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{8, 6}));
  EXPECT_EQ(out.scalar_type(), torch::kFloat);
  EXPECT_FALSE(out.requires_grad());
  EXPECT_FALSE(out.grad_fn());
}

TEST(TorchScriptDepthModel, EmptyImageIsAnError) {
  const std::string path = Fixture("tiny_metric_depth.pt").string();
  const TorchScriptDepthModel model = TorchScriptDepthModel::Load(path);
  EXPECT_ERROR_CONTAINS(model.Predict(RgbImage{}), {path, "empty image", "0 x 0"});
  RgbImage no_rows;
  no_rows.width = 4;
  EXPECT_ERROR_CONTAINS(model.Predict(no_rows), {path, "empty image", "4 x 0"});
}

TEST(TorchScriptDepthModel, MissingFileIsNamed) {
  const std::string path = Fixture("no_such_depth_model.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(path), {path, "no such file"});
  const std::string folder = Fixture("").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(folder), {"not a file"});
}

TEST(TorchScriptDepthModel, NotATorchScriptArchive) {
  testing::TempDir dir;
  const std::string garbage = (dir / "garbage.pt").string();
  WriteFileAtomic(garbage, "this is not a zip archive");
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(garbage),
                        {garbage, "not a TorchScript archive"});
  // A real file of another kind: the expected-values JSON.
  const std::string json = Fixture("tiny_depth_expected.json").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(json), {json, "not a TorchScript archive"});
}

TEST(TorchScriptDepthModel, ModuleWithoutForward) {
  const std::string path = Fixture("no_forward_depth.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(path), {path, "no forward"});
}

TEST(TorchScriptDepthModel, ForwardThatDoesNotTakeATensor) {
  const std::string path = Fixture("string_input_depth.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(path),
                        {path, "str text) -> Tensor", "expected forward(image: Tensor)"});
}

TEST(TorchScriptDepthModel, MissingOrUnknownOutputKind) {
  const std::string missing = Fixture("no_output_kind_depth.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(missing),
                        {missing, "no attribute output_kind", "\"metric_depth\" or \"disparity\""});
  const std::string unknown = Fixture("unknown_output_kind_depth.pt").string();
  EXPECT_ERROR_CONTAINS(
      TorchScriptDepthModel::Load(unknown),
      {unknown, "output_kind is \"inverse_depth\"", "expected \"metric_depth\" or \"disparity\""});
}

TEST(TorchScriptDepthModel, InputHeightWithoutWidth) {
  const std::string path = Fixture("half_input_size_depth.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(path),
                        {path, "declares input_height but not input_width", "both or neither"});
}

TEST(TorchScriptDepthModel, WrongOutputsFailAtLoad) {
  // The probe (32 x 32 grey) catches each broken output at load.
  const std::string rank = Fixture("wrong_rank_depth.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(rank),
                        {rank, "shape [1, 3, 32, 32]", "[1, 1, H, W], [1, H, W] or [H, W]"});
  const std::string integer = Fixture("integer_depth.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(integer),
                        {integer, "Long", "shape [1, 1, 32, 32]", "expected a floating-point"});
  const std::string tuple = Fixture("tuple_output_depth.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(tuple),
                        {tuple, "forward returned Tuple", "expected a floating-point Tensor"});
}

TEST(TorchScriptDepthModel, ForwardFailingOnTheProbeSaysToDeclareTheSize) {
  const std::string path = Fixture("undeclared_size_depth.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptDepthModel::Load(path),
                        {path, "forward failed on a [1, 3, 32, 32] image", "wants a 28 x 42 image",
                         "must declare the int attributes input_height and input_width"});
}

}  // namespace
}  // namespace intersynth
