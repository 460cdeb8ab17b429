# Runs one intersynth command and checks how it ends (used by cli_tests.cmake).
#   -DCOMMAND="a|b|c"      the command line, arguments separated by |
#   -DEXPECT_EXIT=0|nonzero
#   -DEXPECT_OUTPUT=regex  must match stdout+stderr
#   -DEXPECT_ONE_LINE_ERROR=ON  stderr must be exactly one line
#   -DMUST_NOT_EXIST=path  a file that must not exist afterwards
#   -DWORK_DIR=dir         cleaned and created before the run
if(WORK_DIR)
  file(REMOVE_RECURSE "${WORK_DIR}")
  file(MAKE_DIRECTORY "${WORK_DIR}")
endif()
string(REPLACE "|" ";" command "${COMMAND}")
execute_process(COMMAND ${command}
  RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("exit code: ${exit_code}\nstdout:\n${out}\nstderr:\n${err}")
if(EXPECT_EXIT STREQUAL "nonzero")
  if(exit_code EQUAL 0)
    message(FATAL_ERROR "expected a non-zero exit code")
  endif()
elseif(NOT exit_code EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "expected exit code ${EXPECT_EXIT}")
endif()
if(EXPECT_OUTPUT AND NOT "${out}${err}" MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match '${EXPECT_OUTPUT}'")
endif()
if(EXPECT_ONE_LINE_ERROR)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "expected exactly one line on stderr, got ${count}")
  endif()
endif()
if(MUST_NOT_EXIST AND EXISTS "${MUST_NOT_EXIST}")
  message(FATAL_ERROR "${MUST_NOT_EXIST} exists but must not (half-written output?)")
endif()
