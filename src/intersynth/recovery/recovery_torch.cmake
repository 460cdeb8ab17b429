# The TorchScript pose-regressor adapter (included from src/intersynth after
# text/, whose precompiled Torch header it reuses).
if(INTERSYNTH_WITH_TORCH AND recovery_torch_sources)
  intersynth_add_library(recovery_torch SOURCES ${recovery_torch_sources}
    DEPS intersynth::recovery intersynth::util intersynth::util_torch ${TORCH_LIBRARIES})
  target_precompile_headers(intersynth_recovery_torch REUSE_FROM intersynth_text)
  intersynth_add_test(recovery_torch_test SOURCES ${recovery_torch_tests} DEPS intersynth::recovery_torch ${TORCH_LIBRARIES})
  if(TARGET recovery_torch_test)
    target_precompile_headers(recovery_torch_test REUSE_FROM intersynth_text)
  endif()
endif()
