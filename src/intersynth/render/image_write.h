#pragma once
// Writing one image with OpenCV, with the error every writer in render/
// gives. Callers write to an AtomicFileWriter's temp path (util/file_util.h)
// and commit it, so no partial image stays behind.

#include <filesystem>
#include <opencv2/core.hpp>
#include <string>

namespace intersynth {

/// cv::imwrite(path, image) (the format follows path's extension). Throws
/// Error "`shown`: OpenCV cannot write the image[: why]" when OpenCV throws
/// or returns false.
void WriteImageOrThrow(const cv::Mat& image,
                       const std::filesystem::path& path,
                       const std::string& shown);

}  // namespace intersynth
