#include "intersynth/scene/point_cloud.h"

#include "intersynth/util/error.h"

namespace intersynth {

void PointCloud::Transform(const RigidTransformd& b_from_a) {
  for (Eigen::Vector3d& x : points) x = b_from_a * x;
}

PointCloud BackProject(const DepthMap& depth,
                       const PinholeCamera& camera,
                       const RgbImage* image,
                       int stride) {
  INTERSYNTH_CHECK(depth.width == camera.width && depth.height == camera.height)
      << "depth " << depth.width << "x" << depth.height << " vs camera " << camera.width << "x"
      << camera.height;
  INTERSYNTH_CHECK(image == nullptr ||
                   (image->width == depth.width && image->height == depth.height))
      << "image " << image->width << "x" << image->height << " vs depth " << depth.width << "x"
      << depth.height;
  INTERSYNTH_CHECK(stride >= 1) << "stride " << stride;
  PointCloud cloud;
  const size_t expected =
      static_cast<size_t>(depth.size() / (static_cast<int64_t>(stride) * stride) + 1);
  cloud.points.reserve(expected);
  cloud.colors.reserve(expected);
  cloud.pixels.reserve(expected);
  for (int row = 0; row < depth.height; row += stride) {
    for (int col = 0; col < depth.width; col += stride) {
      const float z = depth.at(row, col);
      if (!IsValidDepth(z)) continue;
      cloud.points.push_back(camera.Unproject(col, row, z));
      if (image != nullptr) {
        const uint8_t* p = image->pixel(row, col);
        cloud.colors.push_back({p[0], p[1], p[2]});
      } else {
        cloud.colors.push_back({128, 128, 128});
      }
      cloud.pixels.push_back(static_cast<int64_t>(row) * depth.width + col);
    }
  }
  return cloud;
}

}  // namespace intersynth
