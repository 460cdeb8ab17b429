#pragma once
// Text lists of the corpus layouts (HumanML3D, InterHuman): split lists
// ROOT/{train,val,test}.txt with one clip id per line, ignore lists and
// caption files with one caption per line.

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace intersynth {

/// The non-blank lines of a text file, trimmed of blanks (space, tab, CR,
/// VT, FF), with their 1-based line numbers. A UTF-8 byte-order mark (editors
/// on Windows write one) is dropped; any other invalid UTF-8 is an Error
/// naming the file, as is a missing file.
std::vector<std::pair<int, std::string>> ReadTrimmedLines(const std::filesystem::path& path);

/// id -> "train", "val" or "test" from the split lists present under `root`
/// (none present: empty). An id in two different lists is an Error naming
/// the file, the line and the other list; a repeat within one list is
/// harmless.
std::map<std::string, std::string> ReadSplitLists(const std::filesystem::path& root);

}  // namespace intersynth
