# The TorchScript depth-model adapter (included from src/intersynth after
# text/, whose precompiled Torch header it reuses).
if(INTERSYNTH_WITH_TORCH AND scene_torch_sources)
  intersynth_add_library(scene_torch SOURCES ${scene_torch_sources}
    DEPS intersynth::scene intersynth::util intersynth::util_torch ${TORCH_LIBRARIES})
  target_precompile_headers(intersynth_scene_torch REUSE_FROM intersynth_text)
  intersynth_add_test(scene_torch_test SOURCES ${scene_torch_tests} DEPS intersynth::scene_torch ${TORCH_LIBRARIES})
  if(TARGET scene_torch_test)
    target_precompile_headers(scene_torch_test REUSE_FROM intersynth_text)
  endif()
endif()
