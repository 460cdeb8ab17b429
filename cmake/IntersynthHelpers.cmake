# Helpers that keep every module's CMakeLists.txt to a few lines.

# OPENBLAS_CORETYPE for the tests (DESIGN.md: SkylakeX when the CPU has
# avx512f, else Haswell; ~5x faster matrix products than auto-detection).
if(EXISTS /proc/cpuinfo)
  file(READ /proc/cpuinfo _intersynth_cpuinfo)
  if(_intersynth_cpuinfo MATCHES "avx512f")
    set(INTERSYNTH_OPENBLAS_CORETYPE SkylakeX)
  else()
    set(INTERSYNTH_OPENBLAS_CORETYPE Haswell)
  endif()
else()
  set(INTERSYNTH_OPENBLAS_CORETYPE Haswell)
endif()

# intersynth_add_library(NAME SOURCES a.cc b.cc DEPS dep1 dep2)
# Creates target intersynth_NAME (alias intersynth::NAME) whose headers are
# included by full path: #include "intersynth/NAME/foo.h".
function(intersynth_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(intersynth_${name} STATIC ${ARG_SOURCES})
  add_library(intersynth::${name} ALIAS intersynth_${name})
  target_include_directories(intersynth_${name} PUBLIC "${INTERSYNTH_SOURCE_DIR}/src")
  target_link_libraries(intersynth_${name} PUBLIC ${ARG_DEPS})
endfunction()

# intersynth_add_test(NAME SOURCES a_test.cc DEPS intersynth::io)
# One gtest binary per module; every test case becomes its own ctest entry.
function(intersynth_add_test name)
  if(NOT INTERSYNTH_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} intersynth::testing GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${name}
    WORKING_DIRECTORY "${INTERSYNTH_SOURCE_DIR}"
    DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT
      "OPENBLAS_CORETYPE=${INTERSYNTH_OPENBLAS_CORETYPE};INTERSYNTH_SOURCE_DIR=${INTERSYNTH_SOURCE_DIR}")
endfunction()

# intersynth_add_torch_library(NAME SOURCES a.cc TESTS a_test.cc DEPS intersynth::x)
# A LibTorch library intersynth_NAME and its test binary NAME_test, both
# reusing text's precompiled Torch header (so call it after text/ is added).
# Does nothing without Torch or without sources.
function(intersynth_add_torch_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;TESTS;DEPS" ${ARGN})
  if(NOT INTERSYNTH_WITH_TORCH OR NOT ARG_SOURCES)
    return()
  endif()
  intersynth_add_library(${name} SOURCES ${ARG_SOURCES} DEPS ${ARG_DEPS} ${TORCH_LIBRARIES})
  target_precompile_headers(intersynth_${name} REUSE_FROM intersynth_text)
  intersynth_add_test(${name}_test SOURCES ${ARG_TESTS} DEPS intersynth::${name} ${TORCH_LIBRARIES})
  if(TARGET ${name}_test)
    target_precompile_headers(${name}_test REUSE_FROM intersynth_text)
  endif()
endfunction()
