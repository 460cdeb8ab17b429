// Test tool: writes a tiny dataset folder (synthetic walkers, captions) and a
// tiny diffusion config, for the CLI tests of `intersynth train` / `generate` /
// `evaluate` (val: three single clips and a pair, two halves of two).
//   diffusion_make_tiny_dataset OUT_DIR   ->  OUT_DIR/ds/..., OUT_DIR/tiny.json
// With --actions N: OUT_DIR/ds holds N train clips (and 4 val, 4 test) of each
// synthetic labelled action instead (testing::WriteActionDataset), for
// experiments on text following.

#include <cstdio>
#include <string>

#include "intersynth/diffusion/diffusion_test_util.h"

int main(int argc, char** argv) {
  const bool actions = argc == 4 && std::string(argv[2]) == "--actions";
  if (argc != 2 && !actions) {
    std::fprintf(stderr, "usage: %s OUT_DIR [--actions N]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::remove_all(out);
  if (actions) {
    intersynth::testing::WriteActionDataset(out / "ds", std::stoi(argv[3]), 4);
  } else {
    intersynth::testing::WriteTinyDataset(out / "ds", 6, 2, 40, /*val_singles=*/3);
  }
  intersynth::DiffusionConfig config = intersynth::testing::TinyDiffusionConfig();
  config.train.checkpoint_every = 2;
  intersynth::testing::WriteTinyConfig(out / "tiny.json", config);
  return 0;
}
