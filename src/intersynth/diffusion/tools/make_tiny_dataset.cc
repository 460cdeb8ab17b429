// Test tool: writes a tiny dataset folder (synthetic walkers, captions) and a
// tiny diffusion config, for the CLI tests of `intersynth train` / `generate`.
//   diffusion_make_tiny_dataset OUT_DIR   ->  OUT_DIR/ds/..., OUT_DIR/tiny.json

#include <cstdio>

#include "intersynth/diffusion/diffusion_test_util.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::remove_all(out);
  intersynth::testing::WriteTinyDataset(out / "ds");
  intersynth::DiffusionConfig config = intersynth::testing::TinyDiffusionConfig();
  config.train.checkpoint_every = 2;
  intersynth::testing::WriteTinyConfig(out / "tiny.json", config);
  return 0;
}
