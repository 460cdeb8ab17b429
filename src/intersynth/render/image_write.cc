#include "intersynth/render/image_write.h"

#include <fmt/format.h>

#include <opencv2/imgcodecs.hpp>

#include "intersynth/util/error.h"

namespace intersynth {

void WriteImageOrThrow(const cv::Mat& image,
                       const std::filesystem::path& path,
                       const std::string& shown) {
  bool written = false;
  try {
    written = cv::imwrite(path.string(), image);
  } catch (const cv::Exception& e) {
    throw Error(fmt::format("{}: OpenCV cannot write the image: {}", shown, e.what()));
  }
  if (!written) throw Error(fmt::format("{}: OpenCV cannot write the image", shown));
}

}  // namespace intersynth
