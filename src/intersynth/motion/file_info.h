#pragma once
// `intersynth info`: a human-readable description of a file intersynth reads.

#include <filesystem>
#include <string>

namespace intersynth {

/// Describes a .npy, .npz (motion files in detail), .bvh, .asf or .amc file in
/// a few lines. An .amc is read with `asf`, or with the only .asf beside it.
/// Throws Error for missing or unreadable files and unknown kinds.
std::string DescribeFile(const std::filesystem::path& path, const std::filesystem::path& asf = {});

}  // namespace intersynth
