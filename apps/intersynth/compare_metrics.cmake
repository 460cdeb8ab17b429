# Checks that two runs logged the same training losses (used by the
# data-parallel CLI test: --nproc 2 against one process on the same batches).
#   -DA=run_a/metrics.jsonl -DB=run_b/metrics.jsonl [-DTOLERANCE=1e-4]
if(NOT TOLERANCE)
  set(TOLERANCE 1e-4)
endif()
file(STRINGS "${A}" lines_a)
file(STRINGS "${B}" lines_b)
list(LENGTH lines_a count_a)
list(LENGTH lines_b count_b)
if(NOT count_a EQUAL count_b OR count_a EQUAL 0)
  message(FATAL_ERROR "${A} has ${count_a} records, ${B} has ${count_b}")
endif()
math(EXPR last "${count_a} - 1")
foreach(i RANGE ${last})
  list(GET lines_a ${i} a)
  list(GET lines_b ${i} b)
  string(JSON step_a GET "${a}" step)
  string(JSON step_b GET "${b}" step)
  string(JSON loss_a ERROR_VARIABLE no_a GET "${a}" loss_total)
  string(JSON loss_b ERROR_VARIABLE no_b GET "${b}" loss_total)
  if(no_a OR no_b)
    continue()
  endif()
  # |a - b| <= tolerance * max(1, |a|); awk does the floating point (CMake's
  # math() is integer only).
  execute_process(COMMAND awk "BEGIN { d = ${loss_a} - ${loss_b}; if (d < 0) d = -d; m = ${loss_a}; if (m < 0) m = -m; if (m < 1) m = 1; exit !(d <= ${TOLERANCE} * m) }"
    RESULT_VARIABLE differs)
  if(differs)
    message(FATAL_ERROR "step ${step_a}: loss ${loss_a} (${A}) vs ${loss_b} (${B}) differ by more than ${TOLERANCE}")
  endif()
  message("step ${step_a}: ${loss_a} vs ${loss_b}")
endforeach()
