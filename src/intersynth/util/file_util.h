#pragma once
// File helpers: whole-file reading with clear errors, and atomic writing
// (temp file in the same folder + rename), so that a failed or interrupted
// command never leaves a half-written output behind.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace intersynth {

/// Reads a whole file as bytes. Throws Error naming the path when it is
/// missing, a directory, or unreadable.
std::string ReadFileToString(const std::filesystem::path& path);

/// Writes `bytes` to `path` atomically. Throws Error on failure; `path` is
/// then untouched.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view bytes);

/// Writes to a temporary file beside `path` (hidden, with the same extension);
/// Commit() renames it onto `path`. Destroying an uncommitted writer removes
/// the temporary file.
///
///   AtomicFileWriter out(path);
///   WriteSomething(out.temp_path());
///   out.Commit();
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  /// Where to write the content.
  const std::filesystem::path& temp_path() const { return temp_path_; }
  const std::filesystem::path& path() const { return path_; }
  /// Moves the temp file onto the final path. Throws Error on failure.
  void Commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  bool committed_ = false;
};

/// A fresh folder under the system temp dir (<temp>/<prefix>-<pid>-<random>),
/// removed with its content when the object dies: scratch space for archives
/// unpacked during a command.
class ScratchFolder {
 public:
  /// Creates the folder. Throws Error when it cannot.
  explicit ScratchFolder(const std::string& prefix);
  ~ScratchFolder();
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// An output FOLDER written atomically: the content goes into a hidden
/// temp folder beside `path` (same file system); Commit() renames it onto
/// `path`. Destroying an uncommitted writer removes the temp folder with its
/// content, so an interrupted or failed command leaves no partial output.
///
///   AtomicFolderWriter out(dataset_dir, /*overwrite=*/false);
///   WriteFiles(out.temp_path());
///   out.Commit();
class AtomicFolderWriter {
 public:
  /// Throws Error when the parent folder is missing, or when `path` exists
  /// and `overwrite` is false (an OptionError naming the field `overwrite`).
  AtomicFolderWriter(std::filesystem::path path, bool overwrite);
  ~AtomicFolderWriter();
  AtomicFolderWriter(const AtomicFolderWriter&) = delete;
  AtomicFolderWriter& operator=(const AtomicFolderWriter&) = delete;

  const std::filesystem::path& temp_path() const { return temp_path_; }
  const std::filesystem::path& path() const { return path_; }
  /// Moves the temp folder onto `path`, replacing an existing folder there
  /// when overwriting was allowed. Throws Error on failure.
  void Commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  bool overwrite_ = false;
  bool committed_ = false;
};

/// Writes one line per entry ("\n"-terminated) atomically.
void WriteLinesAtomic(const std::filesystem::path& path, const std::vector<std::string>& lines);

/// The non-empty lines of a text file (none when it is missing).
std::vector<std::string> ReadNonEmptyLines(const std::filesystem::path& path);

/// Lower-case extension without the dot ("npz" for "a/b.NPZ").
std::string LowerExtension(const std::filesystem::path& path);

}  // namespace intersynth
