# End-to-end tests of the intersynth binary: exit codes, one-line errors,
# no output left behind on failure, and the demo on the bundled assets.
set(_cli_work "${CMAKE_CURRENT_BINARY_DIR}/cli_test_work")
set(_assets "${INTERSYNTH_SOURCE_DIR}/assets")

# intersynth_cli_test(NAME EXIT 0|nonzero OUTPUT regex [ONE_LINE] [NOT_EXIST f] ARGS ...)
function(intersynth_cli_test name)
  cmake_parse_arguments(ARG "ONE_LINE" "EXIT;OUTPUT;NOT_EXIST" "ARGS" ${ARGN})
  set(work "${_cli_work}/${name}")
  string(REPLACE ";" "|" command "$<TARGET_FILE:intersynth>;${ARG_ARGS}")
  add_test(NAME cli.${name}
    COMMAND ${CMAKE_COMMAND}
      "-DCOMMAND=${command}" "-DEXPECT_EXIT=${ARG_EXIT}" "-DEXPECT_OUTPUT=${ARG_OUTPUT}"
      "-DEXPECT_ONE_LINE_ERROR=${ARG_ONE_LINE}" "-DMUST_NOT_EXIST=${ARG_NOT_EXIST}"
      "-DWORK_DIR=${work}"
      -P "${CMAKE_CURRENT_SOURCE_DIR}/expect_cli.cmake")
  set_tests_properties(cli.${name} PROPERTIES
    ENVIRONMENT "OPENBLAS_CORETYPE=${INTERSYNTH_OPENBLAS_CORETYPE}")
endfunction()

set(w "${_cli_work}")
intersynth_cli_test(help EXIT 0 OUTPUT "convert.*info.*demo" ARGS --help)
intersynth_cli_test(version EXIT 0 OUTPUT "intersynth ${PROJECT_VERSION}" ARGS --version)
intersynth_cli_test(convert_help EXIT 0 OUTPUT "--from.*--to.*Examples" ARGS convert --help)
intersynth_cli_test(no_subcommand EXIT nonzero ONE_LINE OUTPUT "subcommand" ARGS)
intersynth_cli_test(unknown_flag EXIT nonzero ONE_LINE OUTPUT "--bogus" ARGS convert a.npz b.npz --bogus)
intersynth_cli_test(convert_missing_input EXIT nonzero ONE_LINE
  OUTPUT "missing.npz: no such file" NOT_EXIST "${w}/convert_missing_input/out.npz"
  ARGS convert missing.npz "${w}/convert_missing_input/out.npz")
intersynth_cli_test(convert_unknown_kind EXIT nonzero ONE_LINE OUTPUT "unknown motion kind 'bvhx'"
  ARGS convert "${_assets}/humanml3d/012314_joints.npy" "${w}/x.npy" --to bvhx)
intersynth_cli_test(convert_npy_needs_to EXIT nonzero ONE_LINE OUTPUT "pass --to"
  NOT_EXIST "${w}/convert_npy_needs_to/out.npy"
  ARGS convert "${_assets}/humanml3d/012314_joints.npy" "${w}/convert_npy_needs_to/out.npy")
intersynth_cli_test(convert_mean_size_mismatch EXIT nonzero ONE_LINE OUTPUT "263 channels.*262"
  NOT_EXIST "${w}/convert_mean_size_mismatch/out.npy"
  ARGS convert "${_assets}/humanml3d/012314_joints.npy" "${w}/convert_mean_size_mismatch/out.npy"
       --to ig262 --mean "${_assets}/humanml3d/Mean.npy" --std "${_assets}/humanml3d/Std.npy")
intersynth_cli_test(convert_joints_to_motion EXIT 0 OUTPUT "1 person, 170 frames in, 170 frames out"
  ARGS convert "${_assets}/humanml3d/012314_joints.npy" "${w}/convert_joints_to_motion/clip.npz")
intersynth_cli_test(convert_normalised_263 EXIT 0 OUTPUT "169 feature rows out"
  ARGS convert "${_assets}/humanml3d/012314_joints.npy" "${w}/convert_normalised_263/f.npy"
       --to hml263 --mean "${_assets}/humanml3d/Mean.npy" --std "${_assets}/humanml3d/Std.npy")
intersynth_cli_test(convert_bvh_to_motion EXIT 0 OUTPUT "\\(mocap\\).*4 frames out"
  ARGS convert "${INTERSYNTH_SOURCE_DIR}/testdata/bvh/reactidle_001_acted_first4.bvh"
       "${w}/convert_bvh_to_motion/take.npz")
intersynth_cli_test(convert_unknown_skeleton EXIT nonzero ONE_LINE OUTPUT "--joint-map"
  NOT_EXIST "${w}/convert_unknown_skeleton/take.npz"
  ARGS convert "${INTERSYNTH_SOURCE_DIR}/testdata/bvh/bandai_like.bvh"
       "${w}/convert_unknown_skeleton/take.npz")
intersynth_cli_test(info_bad_kind EXIT nonzero ONE_LINE OUTPUT "unknown file kind" ARGS info x.txt)
intersynth_cli_test(info_npy EXIT 0 OUTPUT "float32 +\\(170, 22, 3\\).*smpl22"
  ARGS info "${_assets}/humanml3d/012314_joints.npy")
intersynth_cli_test(demo_missing_assets EXIT nonzero ONE_LINE OUTPUT "demo asset not found"
  NOT_EXIST "${w}/demo_missing_assets/out"
  ARGS demo --assets "${w}/no-such-assets" --out "${w}/demo_missing_assets/out")
intersynth_cli_test(demo EXIT 0 OUTPUT "ok: +decoded joints.*ok: +re-encoded.*ok: +262 round trip"
  ARGS demo --assets "${_assets}" --out "${w}/demo")
