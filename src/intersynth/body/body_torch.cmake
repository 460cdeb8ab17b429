# The differentiable body model (LibTorch), included from src/intersynth after
# text/, whose precompiled Torch header it reuses.
if(INTERSYNTH_WITH_TORCH AND body_torch_sources)
  intersynth_add_library(body_torch SOURCES ${body_torch_sources}
    DEPS intersynth::body intersynth::util ${TORCH_LIBRARIES})
  target_precompile_headers(intersynth_body_torch REUSE_FROM intersynth_text)
  intersynth_add_test(body_torch_test SOURCES ${body_torch_tests} DEPS intersynth::body_torch ${TORCH_LIBRARIES})
  if(TARGET body_torch_test)
    target_precompile_headers(body_torch_test REUSE_FROM intersynth_text)
  endif()
endif()
