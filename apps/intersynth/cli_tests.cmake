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
intersynth_cli_test(convert_unknown_kind EXIT nonzero ONE_LINE
  OUTPUT "--to must be motion, joints, hml263, ig262 or mocap, got 'bvhx'"
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
intersynth_cli_test(demo EXIT 0
  OUTPUT "ok: +decoded joints.*ok: +re-encoded.*ok: +262 round trip.*lifted scene: .*nyu_dining"
  ARGS demo --assets "${_assets}" --out "${w}/demo")

# export and preview, on a committed motion file (testdata/motion/README.md).
set(_motion "${INTERSYNTH_SOURCE_DIR}/testdata/motion/012314.npz")
intersynth_cli_test(export_help EXIT 0 OUTPUT "--format.*--out.*Examples" ARGS export --help)
intersynth_cli_test(export_bvh EXIT 0
  OUTPUT "wrote .*clip.bvh \\(bvh on smpl22, 1 person, 170 frames.*BVH reload error: max [0-9.e-]+ m"
  ARGS export --motion "${_motion}" --format bvh --out "${w}/export_bvh/clip.bvh")
intersynth_cli_test(export_json EXIT 0 OUTPUT "wrote .*clip.json \\(json, 1 person, 170 frames"
  ARGS export --motion "${_motion}" --out "${w}/export_json/clip.json")
intersynth_cli_test(export_missing_motion EXIT nonzero ONE_LINE OUTPUT "missing.npz: no such file"
  NOT_EXIST "${w}/export_missing_motion/out.bvh"
  ARGS export --motion missing.npz --format bvh --out "${w}/export_missing_motion/out.bvh")
intersynth_cli_test(export_unknown_format EXIT nonzero ONE_LINE OUTPUT "unknown export format 'fbx'"
  NOT_EXIST "${w}/export_unknown_format/out.fbx"
  ARGS export --motion "${_motion}" --out "${w}/export_unknown_format/out.fbx")
intersynth_cli_test(preview_help EXIT 0 OUTPUT "--frame.*--width.*Examples" ARGS preview --help)
intersynth_cli_test(preview_png EXIT 0 OUTPUT "wrote .*f.png \\(frame 10 of 170, 320x240, 1 person\\)"
  ARGS preview --motion "${_motion}" --frame 10 --out "${w}/preview_png/f.png"
       --width 320 --height 240)
intersynth_cli_test(preview_mp4 EXIT 0 OUTPUT "wrote .*p.mp4 \\(170 frames, 160x120 at 20 fps"
  ARGS preview --motion "${_motion}" --out "${w}/preview_mp4/p.mp4" --width 160 --height 120)
intersynth_cli_test(preview_missing_motion EXIT nonzero ONE_LINE OUTPUT "missing.npz: no such file"
  NOT_EXIST "${w}/preview_missing_motion/p.mp4"
  ARGS preview --motion missing.npz --out "${w}/preview_missing_motion/p.mp4")
intersynth_cli_test(preview_frame_out_of_range EXIT nonzero ONE_LINE
  OUTPUT "frame 500 is out of range; the clip has 170 frames"
  NOT_EXIST "${w}/preview_frame_out_of_range/f.png"
  ARGS preview --motion "${_motion}" --frame 500 --out "${w}/preview_frame_out_of_range/f.png")

# lift-scene and preview --scene on the bundled NYUv2 dining room; bad inputs
# on the fixtures of testdata/scene/make_cli_fixtures.py.
set(_nyu "${_assets}/scenes/nyu_dining")
set(_scene_fx "${INTERSYNTH_SOURCE_DIR}/testdata/scene")
intersynth_cli_test(lift_scene_help EXIT 0 OUTPUT "--metric-depth.*--disparity.*--floor-mask.*Examples"
  ARGS lift-scene --help)
intersynth_cli_test(lift_scene_nyu EXIT 0
  OUTPUT "searching for the floor.*camera stands 1\\.[0-9]+ m above the floor.*Wrote .*scene.json"
  ARGS lift-scene --image "${_nyu}/image.png" --depth "${_nyu}/depth.png" --intrinsics "${_nyu}/intrinsics.json"
       --out "${w}/lift_scene_nyu/scene")
intersynth_cli_test(preview_scene EXIT 0 OUTPUT "scene preview: .*p.png \\(560x425\\): camera 1\\.[0-9]+ m above"
  ARGS preview --scene "${w}/lift_scene_nyu/scene" --out "${w}/preview_scene/p.png")
set_tests_properties(cli.lift_scene_nyu PROPERTIES FIXTURES_SETUP nyu_scene)
set_tests_properties(cli.preview_scene PROPERTIES FIXTURES_REQUIRED nyu_scene)
intersynth_cli_test(lift_scene_exists EXIT nonzero ONE_LINE OUTPUT "--overwrite"
  ARGS lift-scene --image "${_nyu}/image.png" --depth "${_nyu}/depth.png" --out "${w}/lift_scene_nyu/scene")
set_tests_properties(cli.lift_scene_exists PROPERTIES FIXTURES_REQUIRED nyu_scene)
intersynth_cli_test(lift_scene_empty_mask EXIT nonzero ONE_LINE OUTPUT "empty_mask_560x425.png: the floor mask is empty"
  NOT_EXIST "${w}/lift_scene_empty_mask/scene"
  ARGS lift-scene --image "${_nyu}/image.png" --depth "${_nyu}/depth.png"
       --floor-mask "${_scene_fx}/empty_mask_560x425.png" --out "${w}/lift_scene_empty_mask/scene")
intersynth_cli_test(lift_scene_mask_size EXIT nonzero ONE_LINE OUTPUT "mask_280x212.png: the mask is 280x212 but"
  NOT_EXIST "${w}/lift_scene_mask_size/scene"
  ARGS lift-scene --image "${_nyu}/image.png" --depth "${_nyu}/depth.png"
       --floor-mask "${_scene_fx}/mask_280x212.png" --out "${w}/lift_scene_mask_size/scene")
intersynth_cli_test(lift_scene_nan_depth EXIT nonzero ONE_LINE OUTPUT "nan_depth_16x12.npy: no valid depth"
  NOT_EXIST "${w}/lift_scene_nan_depth/scene"
  ARGS lift-scene --image "${_scene_fx}/tiny_rgb_16x12.png" --depth "${_scene_fx}/nan_depth_16x12.npy"
       --out "${w}/lift_scene_nan_depth/scene")
intersynth_cli_test(lift_scene_zero_depth EXIT nonzero ONE_LINE OUTPUT "zero_depth_16x12.npy: no valid depth"
  NOT_EXIST "${w}/lift_scene_zero_depth/scene"
  ARGS lift-scene --image "${_scene_fx}/tiny_rgb_16x12.png" --metric-depth "${_scene_fx}/zero_depth_16x12.npy"
       --out "${w}/lift_scene_zero_depth/scene")
intersynth_cli_test(lift_scene_intrinsics_missing_key EXIT nonzero ONE_LINE
  OUTPUT "intrinsics_no_cy.json: missing key 'cy'" NOT_EXIST "${w}/lift_scene_intrinsics_missing_key/scene"
  ARGS lift-scene --image "${_nyu}/image.png" --depth "${_nyu}/depth.png"
       --intrinsics "${_scene_fx}/intrinsics_no_cy.json" --out "${w}/lift_scene_intrinsics_missing_key/scene")
intersynth_cli_test(lift_scene_no_depth EXIT nonzero ONE_LINE OUTPUT "no depth source"
  NOT_EXIST "${w}/lift_scene_no_depth/scene"
  ARGS lift-scene --image "${_nyu}/image.png" --out "${w}/lift_scene_no_depth/scene")
intersynth_cli_test(lift_scene_no_floor EXIT nonzero ONE_LINE OUTPUT "no floor found.*nothing was written"
  NOT_EXIST "${w}/lift_scene_no_floor/scene"
  ARGS lift-scene --image "${_nyu}/image.png" --depth "${_nyu}/depth.png" --max-floor-tilt 5
       --out "${w}/lift_scene_no_floor/scene")
if(INTERSYNTH_WITH_TORCH)
  # The depth-network path (tiny TorchScript fixtures, testdata/scene/README.md):
  # the toy "disparity" falls where the NYU sensor depth says things come
  # nearer, which the fit reports instead of lifting a wrong room.
  intersynth_cli_test(lift_scene_depth_model EXIT nonzero ONE_LINE
    OUTPUT "tiny_disparity.pt gave disparity at 42x28.*alpha = .* < 0.*rather than a disparity"
    NOT_EXIST "${w}/lift_scene_depth_model/scene"
    ARGS lift-scene --image "${_nyu}/image.png" --metric-depth "${_nyu}/depth.png"
         --depth-model "${_scene_fx}/tiny_disparity.pt" --out "${w}/lift_scene_depth_model/scene")
  intersynth_cli_test(lift_scene_two_metric_sources EXIT nonzero ONE_LINE
    OUTPUT "tiny_metric_depth.pt: a second metric depth source"
    NOT_EXIST "${w}/lift_scene_two_metric_sources/scene"
    ARGS lift-scene --image "${_nyu}/image.png" --metric-depth "${_nyu}/depth.png"
         --depth-model "${_scene_fx}/tiny_metric_depth.pt" --out "${w}/lift_scene_two_metric_sources/scene")
endif()
intersynth_cli_test(prior_info EXIT 0 OUTPUT "8 Gaussians over 48 dimensions.*component 7: weight"
  ARGS prior info "${_assets}/priors/pose_gmm8.npz")
intersynth_cli_test(prior_info_gmm32 EXIT 0 OUTPUT "32 Gaussians over 48 dimensions.*component 31: weight"
  ARGS prior info "${_assets}/priors/pose_gmm32.npz")
intersynth_cli_test(preview_scene_missing EXIT nonzero ONE_LINE OUTPUT "nowhere/scene.json"
  NOT_EXIST "${w}/preview_scene_missing/p.png"
  ARGS preview --scene "${w}/nowhere" --out "${w}/preview_scene_missing/p.png")

# data build / data info. The ReActIdle fixture has 4 frames (3 at 20 fps):
# too short by default, enough with --min-frames 2.
set(_reactidle_dir "${w}/data_fixture_src")
file(MAKE_DIRECTORY "${_reactidle_dir}")
file(COPY "${INTERSYNTH_SOURCE_DIR}/testdata/bvh/reactidle_001_acted_first4.bvh"
  DESTINATION "${_reactidle_dir}")
file(RENAME "${_reactidle_dir}/reactidle_001_acted_first4.bvh" "${_reactidle_dir}/001_acted.bvh")
intersynth_cli_test(data_help EXIT 0 OUTPUT "build.*info" ARGS data --help)
intersynth_cli_test(data_build_help EXIT 0 OUTPUT "--source.*--max-frames.*reactidle.*Example"
  ARGS data build --help)
intersynth_cli_test(data_build EXIT 0
  OUTPUT "built 1 clips .*reactidle +1 +1 +1 .*splits: train 1, val 0 .*, test 0"
  ARGS --log-level warn data build --out "${w}/data_build/ds" --source "reactidle=${_reactidle_dir}"
       --min-frames 2 --no-progress)
intersynth_cli_test(data_info EXIT 0
  OUTPUT "1 clips, 0.0 minutes \\(3 frames\\).*reactidle +1 clips.*labels \\(2 distinct\\).*idle"
  ARGS data info "${w}/data_build/ds")
set_tests_properties(cli.data_build PROPERTIES FIXTURES_SETUP built_dataset)
set_tests_properties(cli.data_info PROPERTIES FIXTURES_REQUIRED built_dataset)
intersynth_cli_test(data_build_too_short EXIT nonzero OUTPUT "no clip could be built"
  NOT_EXIST "${w}/data_build_too_short/ds"
  ARGS --log-level error data build --out "${w}/data_build_too_short/ds"
       --source "reactidle=${_reactidle_dir}")
intersynth_cli_test(data_build_missing_source EXIT nonzero ONE_LINE
  OUTPUT "--source cmu=.*nowhere: no such folder or archive"
  NOT_EXIST "${w}/data_build_missing_source/ds"
  ARGS data build --out "${w}/data_build_missing_source/ds" --source "cmu=${w}/nowhere")
intersynth_cli_test(data_build_unknown_kind EXIT nonzero ONE_LINE
  OUTPUT "unknown source kind 'mixamo'"
  ARGS data build --out "${w}/data_build_unknown_kind/ds" --source "mixamo=${w}")
intersynth_cli_test(data_info_not_a_dataset EXIT nonzero ONE_LINE OUTPUT "no index.jsonl"
  ARGS data info "${_reactidle_dir}")

# train / generate on a tiny synthetic dataset and config
# (src/intersynth/diffusion/tools/make_tiny_dataset.cc).
if(TARGET diffusion_make_tiny_dataset)
  set(_tiny "${_cli_work}/tiny")
  add_test(NAME cli.train_make_tiny_dataset COMMAND diffusion_make_tiny_dataset "${_tiny}")
  set_tests_properties(cli.train_make_tiny_dataset PROPERTIES FIXTURES_SETUP tiny_dataset)
  intersynth_cli_test(prior_train_tiny EXIT 0 OUTPUT "wrote .*prior.npz: 2 Gaussians over 48 dimensions"
    ARGS prior train --data "${_tiny}/ds" --out "${w}/prior_train_tiny/prior.npz" --components 2 --no-progress)
  intersynth_cli_test(prior_train_missing_data EXIT nonzero ONE_LINE OUTPUT "nowhere"
    NOT_EXIST "${w}/prior_train_missing_data/prior.npz"
    ARGS prior train --data "${w}/nowhere" --out "${w}/prior_train_missing_data/prior.npz")
  set_tests_properties(cli.prior_train_tiny PROPERTIES FIXTURES_REQUIRED tiny_dataset)
  intersynth_cli_test(train_help EXIT 0 OUTPUT "--resume.*--nproc.*Examples" ARGS train --help)
  intersynth_cli_test(train_tiny EXIT 0 OUTPUT "step 4/4  loss.*samples/s.*trained to step 4"
    ARGS train --data "${_tiny}/ds" --out "${w}/train_tiny/run" --config "${_tiny}/tiny.json"
         --steps 4 --threads 1)
  # Data-parallel: 2 processes over loopback, each with half of every batch,
  # log the same losses as one process on the whole batches.
  intersynth_cli_test(train_one_process EXIT 0 OUTPUT "trained to step 3"
    ARGS train --data "${_tiny}/ds" --out "${w}/train_one_process/run" --config "${_tiny}/tiny.json"
         --steps 3 --batch 4 --threads 1)
  intersynth_cli_test(train_two_processes EXIT 0 OUTPUT "on 2 processes.*trained to step 3"
    ARGS train --data "${_tiny}/ds" --out "${w}/train_two_processes/run" --config "${_tiny}/tiny.json"
         --steps 3 --batch 4 --threads 1 --nproc 2)
  add_test(NAME cli.train_two_processes_match_one
    COMMAND ${CMAKE_COMMAND} "-DA=${w}/train_one_process/run/metrics.jsonl"
      "-DB=${w}/train_two_processes/run/metrics.jsonl" -P "${CMAKE_CURRENT_SOURCE_DIR}/compare_metrics.cmake")
  set_tests_properties(cli.train_one_process cli.train_two_processes PROPERTIES FIXTURES_SETUP dp_runs)
  set_tests_properties(cli.train_two_processes_match_one PROPERTIES FIXTURES_REQUIRED dp_runs)
  intersynth_cli_test(train_existing_out EXIT nonzero ONE_LINE OUTPUT "already exists; pass --resume"
    ARGS train --data "${_tiny}/ds" --out "${_tiny}" --config "${_tiny}/tiny.json")
  file(WRITE "${_cli_work}/tiny_bad_config.json" "{\"model\": {\"layer\": 3}}")
  intersynth_cli_test(train_bad_config EXIT nonzero ONE_LINE OUTPUT "unknown key 'model.layer'"
    NOT_EXIST "${w}/train_bad_config/run"
    ARGS train --data "${_tiny}/ds" --out "${w}/train_bad_config/run" --config "${_cli_work}/tiny_bad_config.json")
  intersynth_cli_test(train_missing_data EXIT nonzero ONE_LINE OUTPUT "nowhere: no such dataset folder"
    NOT_EXIST "${w}/train_missing_data/run/checkpoint"
    ARGS train --data "${w}/nowhere" --out "${w}/train_missing_data/run" --config "${_tiny}/tiny.json")
  intersynth_cli_test(train_resume_other_architecture EXIT nonzero ONE_LINE OUTPUT "another architecture"
    ARGS train --data "${_tiny}/ds" --out "${w}/train_tiny/run" --resume --config cpu)
  intersynth_cli_test(train_resume EXIT 0 OUTPUT "from step 4 to 6.*trained to step 6"
    ARGS train --data "${_tiny}/ds" --out "${w}/train_tiny/run" --resume --steps 6 --threads 1)
  set_tests_properties(cli.train_tiny PROPERTIES FIXTURES_SETUP tiny_run)
  set_tests_properties(cli.train_tiny cli.train_one_process cli.train_two_processes cli.train_existing_out
    cli.train_bad_config cli.train_missing_data PROPERTIES FIXTURES_REQUIRED tiny_dataset)
  set_tests_properties(cli.train_resume_other_architecture cli.train_resume PROPERTIES
    FIXTURES_REQUIRED "tiny_dataset;tiny_run")
  set_tests_properties(cli.train_resume PROPERTIES DEPENDS cli.train_resume_other_architecture)

  set(_run "${w}/train_tiny/run")
  intersynth_cli_test(generate_help EXIT 0 OUTPUT "--keep-frames.*--keep-person.*Examples" ARGS generate --help)
  intersynth_cli_test(generate_tiny EXIT 0 OUTPUT "_001.npz.*_001.mp4.*sampled 2 motions.*never seen in training.*zorbing"
    ARGS generate --model "${_run}" --text "a person walks zorbing" --persons 2 --frames 16 --samples 2
         --steps 5 --threads 1 --out "${w}/generate_tiny/walk.npz" --preview --bvh)
  intersynth_cli_test(generate_empty_text EXIT nonzero ONE_LINE OUTPUT "--text is empty"
    NOT_EXIST "${w}/generate_empty_text/x.npz"
    ARGS generate --model "${_run}" --text " " --out "${w}/generate_empty_text/x.npz")
  intersynth_cli_test(generate_too_many_persons EXIT nonzero ONE_LINE OUTPUT "--persons.*got 9"
    ARGS generate --model "${_run}" --text "a person walks" --persons 9 --out "${w}/generate_too_many_persons/x.npz")
  intersynth_cli_test(generate_too_long EXIT nonzero ONE_LINE OUTPUT "--frames.*got 500"
    ARGS generate --model "${_run}" --text "a person walks" --frames 500 --out "${w}/generate_too_long/x.npz")
  intersynth_cli_test(generate_bad_steps EXIT nonzero ONE_LINE OUTPUT "--steps must be >= 1, got 0"
    NOT_EXIST "${w}/generate_bad_steps/x.npz"
    ARGS generate --model "${_run}" --text "a person walks" --steps 0 --out "${w}/generate_bad_steps/x.npz")
  intersynth_cli_test(generate_not_a_model EXIT nonzero ONE_LINE OUTPUT "no such model folder"
    ARGS generate --model "${w}/nothing" --text "a person walks" --out "${w}/generate_not_a_model/x.npz")
  # After the resume test, which replaces the run's checkpoint folder.
  set_tests_properties(cli.generate_tiny cli.generate_empty_text cli.generate_too_many_persons
    cli.generate_too_long cli.generate_bad_steps PROPERTIES FIXTURES_REQUIRED tiny_run DEPENDS cli.train_resume)
endif()
if(TARGET diffusion_make_tiny_dataset)
  intersynth_cli_test(model_info EXIT 0 OUTPUT "motion diffusion model.*resumable: yes"
    ARGS model info "${w}/train_tiny/run")
  intersynth_cli_test(model_export EXIT 0 OUTPUT "float16 weights.*resumable: no"
    ARGS model export --model "${w}/train_tiny/run" --out "${w}/model_export/m" --half)
  intersynth_cli_test(model_info_missing EXIT nonzero ONE_LINE OUTPUT "no such model folder"
    ARGS model info "${w}/nothing")
  set_tests_properties(cli.model_info cli.model_export PROPERTIES FIXTURES_REQUIRED tiny_run DEPENDS cli.train_resume)
endif()
if(TARGET diffusion_make_tiny_dataset)
  # evaluate: the tiny run measured on the tiny val split with the tiny
  # TorchScript evaluator (testdata/scripts/make_scripted_evaluator.py).
  set(_scripted "${INTERSYNTH_SOURCE_DIR}/testdata/evaluator/scripted_evaluator.pt")
  intersynth_cli_test(evaluate_help EXIT 0 OUTPUT "--replications.*--mm-prompts.*TorchScript.*Examples"
    ARGS evaluate --help)
  intersynth_cli_test(evaluate_tiny EXIT 0
    OUTPUT "generated +real +caption_blind +random_clip +mean_pose.*fid .*2 items per replication \\(FID and KID at n = 2\\) from 4 clips.*report.json"
    ARGS evaluate --model "${w}/train_tiny/run" --evaluator "${_scripted}" --data "${_tiny}/ds" --split val
         --replications 2 --samples 2 --mm-prompts 1 --mm-samples 2 --mm-pairs 1 --steps 2 --threads 1
         --out "${w}/evaluate_tiny/report")
  intersynth_cli_test(evaluate_leakage EXIT nonzero ONE_LINE OUTPUT "leakage"
    NOT_EXIST "${w}/evaluate_leakage/report"
    ARGS evaluate --model "${w}/train_tiny/run" --evaluator "${_scripted}" --data "${_tiny}/ds" --split train
         --out "${w}/evaluate_leakage/report")
  intersynth_cli_test(evaluate_bad_multimodality EXIT nonzero ONE_LINE
    OUTPUT "multimodality needs --mm-prompts >= 0, --mm-samples >= 2 and 1 <= --mm-pairs <= --mm-samples, got 0, 2 and 5"
    NOT_EXIST "${w}/evaluate_bad_multimodality/report"
    ARGS evaluate --model "${w}/train_tiny/run" --evaluator "${_scripted}" --data "${_tiny}/ds" --split val
         --mm-samples 2 --mm-pairs 5 --out "${w}/evaluate_bad_multimodality/report")
  intersynth_cli_test(evaluate_missing_evaluator EXIT nonzero ONE_LINE OUTPUT "no such evaluator folder"
    ARGS evaluate --model "${w}/train_tiny/run" --evaluator "${w}/nothing" --data "${_tiny}/ds"
         --out "${w}/evaluate_missing_evaluator/report")
  set_tests_properties(cli.evaluate_tiny cli.evaluate_leakage cli.evaluate_missing_evaluator
    cli.evaluate_bad_multimodality PROPERTIES
    FIXTURES_REQUIRED "tiny_dataset;tiny_run" DEPENDS cli.train_resume)

  # classifier train, test and label on the synthetic labelled actions.
  set(_act "${_cli_work}/actions")
  add_test(NAME cli.classifier_make_actions COMMAND diffusion_make_tiny_dataset "${_act}" --actions 6)
  set_tests_properties(cli.classifier_make_actions PROPERTIES FIXTURES_SETUP action_dataset)
  intersynth_cli_test(classifier_train EXIT 0
    OUTPUT "trained the action classifier on 24 clips \\(4 actions, 1 styles\\).*val content: top-1"
    ARGS classifier train --data "${_act}/ds" --out "${w}/classifier_train/c" --steps 20 --batch 8
         --width 8 --threads 1)
  set_tests_properties(cli.classifier_train PROPERTIES FIXTURES_REQUIRED action_dataset
    FIXTURES_SETUP action_classifier)
  intersynth_cli_test(classifier_test EXIT 0 OUTPUT "test content: top-1.*chance 0.250.*test style"
    ARGS classifier test --classifier "${w}/classifier_train/c" --data "${_act}/ds")
  intersynth_cli_test(classifier_label EXIT 0
    OUTPUT "person +action +probability +style.*walk_0.npz +0 +[a-z-]+ +[01].[0-9]+ +normal"
    ARGS classifier label --classifier "${w}/classifier_train/c" "${_act}/ds/clips/walk_0.npz")
  intersynth_cli_test(classifier_label_missing EXIT nonzero ONE_LINE OUTPUT "nothing.npz"
    ARGS classifier label --classifier "${w}/classifier_train/c" "${w}/nothing.npz")
  set_tests_properties(cli.classifier_test cli.classifier_label cli.classifier_label_missing
    PROPERTIES FIXTURES_REQUIRED "action_dataset;action_classifier")

  # evaluate-steps: the tiny run on the synthetic actions' test split.
  intersynth_cli_test(evaluate_steps_help EXIT 0
    OUTPUT "--steps.*--reference-steps.*--accuracy-margin.*--kid-margin.*Example"
    ARGS evaluate-steps --help)
  intersynth_cli_test(evaluate_steps_tiny EXIT 0
    OUTPUT "steps +s per motion +KID.* 1 .* 2 .*yes.*the fewest steps within the margins.*report.md"
    ARGS evaluate-steps --model "${w}/train_tiny/run" --evaluator "${_scripted}"
         --classifier "${w}/classifier_train/c" --data "${_act}/ds" --split test --steps 1,2
         --reference-steps 2 --replications 2 --samples 4 --action-samples 1 --threads 1
         --out "${w}/evaluate_steps_tiny/report")
  intersynth_cli_test(evaluate_steps_bad_steps EXIT nonzero ONE_LINE OUTPUT "--steps must be >= 1, got 0"
    NOT_EXIST "${w}/evaluate_steps_bad_steps/report"
    ARGS evaluate-steps --model "${w}/train_tiny/run" --evaluator "${_scripted}"
         --classifier "${w}/classifier_train/c" --data "${_act}/ds" --steps 10,0
         --out "${w}/evaluate_steps_bad_steps/report")
  set_tests_properties(cli.evaluate_steps_tiny cli.evaluate_steps_bad_steps PROPERTIES
    FIXTURES_REQUIRED "tiny_run;action_dataset;action_classifier" DEPENDS cli.train_resume)
endif()

# keypoints simulate and pose-error (issue 14's recovery experiment) on the
# committed motion file; the BVH take of convert_bvh_to_motion (4 frames) is
# the clip whose frame count does not match.
set(_kp "${w}/keypoints_simulate")
intersynth_cli_test(keypoints_simulate_help EXIT 0 OUTPUT "--noise-px.*--drop.*--pitch-deg.*Example"
  ARGS keypoints simulate --help)
intersynth_cli_test(keypoints_simulate EXIT 0
  OUTPUT "640x480 .fx 525, fy 525, cx 319.5, cy 239.5.*looking 30 deg down.*170 frame.s. x 1 person.s.: 2040 body points.*wrote .*kp.json \\(170 frames, 1 person.s.\\) and the scene folder"
  ARGS keypoints simulate --motion "${_motion}" --out "${_kp}/kp.json" --scene-out "${_kp}/scene" --seed 3)
set_tests_properties(cli.keypoints_simulate PROPERTIES FIXTURES_SETUP simulated_keypoints)
intersynth_cli_test(keypoints_simulate_exists EXIT nonzero ONE_LINE OUTPUT "kp.json: already exists \\(pass --overwrite"
  ARGS keypoints simulate --motion "${_motion}" --out "${_kp}/kp.json" --scene-out "${_kp}/scene2")
intersynth_cli_test(preview_simulated_scene EXIT 0 OUTPUT "scene preview: .*p.png \\(640x480\\): camera 2\\.50 m above"
  ARGS preview --scene "${_kp}/scene" --out "${w}/preview_simulated_scene/p.png")
set_tests_properties(cli.keypoints_simulate_exists cli.preview_simulated_scene PROPERTIES
  FIXTURES_REQUIRED simulated_keypoints)
intersynth_cli_test(keypoints_simulate_missing_motion EXIT nonzero ONE_LINE OUTPUT "missing.npz: no such file"
  NOT_EXIST "${w}/keypoints_simulate_missing_motion/kp.json"
  ARGS keypoints simulate --motion missing.npz --out "${w}/keypoints_simulate_missing_motion/kp.json"
       --scene-out "${w}/keypoints_simulate_missing_motion/scene")
intersynth_cli_test(keypoints_simulate_bad_drop EXIT nonzero ONE_LINE
  OUTPUT "--drop must be in \\[0, 1\\], got 1.5" NOT_EXIST "${w}/keypoints_simulate_bad_drop/scene"
  ARGS keypoints simulate --motion "${_motion}" --out "${w}/keypoints_simulate_bad_drop/kp.json"
       --scene-out "${w}/keypoints_simulate_bad_drop/scene" --drop 1.5)
intersynth_cli_test(pose_error_help EXIT 0 OUTPUT "--truth.*--estimate.*--joints.*PA-MPJPE.*Example"
  ARGS pose-error --help)
intersynth_cli_test(pose_error_self EXIT 0
  OUTPUT "coco12 joints, 170 frames.*\n0 +170 +0\\.0 +0\\.0 +0\\.0 +0\\.0\n.*wrote .*e.json"
  ARGS pose-error --truth "${_motion}" --estimate "${_motion}" --joints coco12
       --json "${w}/pose_error_self/e.json")
intersynth_cli_test(pose_error_missing_file EXIT nonzero ONE_LINE OUTPUT "missing.npz: no such file"
  ARGS pose-error --truth "${_motion}" --estimate missing.npz)
intersynth_cli_test(pose_error_unknown_joints EXIT nonzero ONE_LINE
  OUTPUT "--joints must be all or coco12, got 'coco17'"
  ARGS pose-error --truth "${_motion}" --estimate "${_motion}" --joints coco17)
intersynth_cli_test(pose_error_frame_mismatch EXIT nonzero ONE_LINE
  OUTPUT "take.npz has 4 frames but .*012314.npz has 170: the frame counts must match"
  ARGS pose-error --truth "${_motion}" --estimate "${w}/convert_bvh_to_motion/take.npz")
set_tests_properties(cli.convert_bvh_to_motion PROPERTIES FIXTURES_SETUP bvh_take)
set_tests_properties(cli.pose_error_frame_mismatch PROPERTIES FIXTURES_REQUIRED bvh_take)

# body info on the bundled open body model (issue 14; body build itself is
# tested in body_test, which needs the shared MPFB2 assets).
intersynth_cli_test(body_info EXIT 0
  OUTPUT "13380 vertices, 26756 triangles, 31 joints, 16 shape directions, no pose correctives.*smpl22 joints: Hips LeftUpLeg RightUpLeg LowerBack.*COCO face vertices"
  ARGS body info "${INTERSYNTH_SOURCE_DIR}/assets/body/open_body.npz")
intersynth_cli_test(body_build_help EXIT 0 OUTPUT "--mpfb.*--samples.*--betas.*Example"
  ARGS body build --help)

# recover (Torch) on the simulated keypoints above.
if(INTERSYNTH_WITH_TORCH)
  set(_body "${INTERSYNTH_SOURCE_DIR}/assets/body/open_body.npz")
  set(_prior "${INTERSYNTH_SOURCE_DIR}/assets/priors/pose_gmm8.npz")
  intersynth_cli_test(recover_help EXIT 0 OUTPUT "--keypoints.*--scene.*--method.*--regressor.*--start-from.*--smooth.*Example"
    ARGS recover --help)
  intersynth_cli_test(recover_simulated EXIT 0
    OUTPUT "r.npz: 1 persons, 170 frames at 20 fps \\(temporal\\), 1 fits, 0 frames started from no prediction, mean reprojection"
    ARGS recover --keypoints "${_kp}/kp.json" --scene "${_kp}/scene" --body "${_body}" --prior "${_prior}"
         --out "${w}/recover_simulated/r.npz" --iterations 20)
  intersynth_cli_test(recover_per_frame_smooth EXIT 0
    OUTPUT "r.npz: 1 persons, 170 frames at 20 fps \\(per-frame \\+ smoothing\\)"
    ARGS recover --keypoints "${_kp}/kp.json" --intrinsics "${_kp}/scene/scene.json" --body "${_body}"
         --prior "${_prior}" --out "${w}/recover_per_frame_smooth/r.npz" --method per-frame --smooth
         --iterations 10 --optimizer lbfgs)
  intersynth_cli_test(recover_bad_optimizer EXIT nonzero ONE_LINE
    OUTPUT "--optimizer must be lbfgs or adam, got 'sgd'" NOT_EXIST "${w}/recover_bad_optimizer/r.npz"
    ARGS recover --keypoints "${_kp}/kp.json" --scene "${_kp}/scene" --optimizer sgd
         --out "${w}/recover_bad_optimizer/r.npz")
  # A library field error comes out with the flag that sets the field
  # (apps/intersynth/field_flags.h): fit.adam_learning_rate -> --adam-lr.
  intersynth_cli_test(recover_bad_adam_lr EXIT nonzero ONE_LINE
    OUTPUT "--adam-lr must be > 0, got -1" NOT_EXIST "${w}/recover_bad_adam_lr/r.npz"
    ARGS recover --keypoints "${_kp}/kp.json" --scene "${_kp}/scene" --adam-lr -1
         --out "${w}/recover_bad_adam_lr/r.npz")
  intersynth_cli_test(recover_no_camera EXIT nonzero ONE_LINE
    OUTPUT "give the camera with --intrinsics K.json or --scene SCENE_DIR"
    NOT_EXIST "${w}/recover_no_camera/r.npz"
    ARGS recover --keypoints "${_kp}/kp.json" --out "${w}/recover_no_camera/r.npz")
  intersynth_cli_test(recover_body_missing_key EXIT nonzero ONE_LINE OUTPUT "012314.npz: missing key 'v_template'"
    NOT_EXIST "${w}/recover_body_missing_key/r.npz"
    ARGS recover --keypoints "${_kp}/kp.json" --scene "${_kp}/scene" --body "${_motion}"
         --out "${w}/recover_body_missing_key/r.npz")
  # What recover wrote builds into a dataset (data build's `recovered` kind).
  intersynth_cli_test(data_build_recovered EXIT 0 OUTPUT "built 1 clips .*recovered +1 +1 +1 "
    ARGS data build --source "recovered=${w}/recover_simulated" --out "${w}/data_build_recovered/ds"
         --no-progress)
  set_tests_properties(cli.recover_simulated PROPERTIES FIXTURES_SETUP recovered_motion)
  set_tests_properties(cli.data_build_recovered PROPERTIES FIXTURES_REQUIRED recovered_motion)
  # Starting from the motion the keypoints were simulated from (every frame
  # of its one person), and a motion that does not fit the keypoints.
  intersynth_cli_test(recover_start_from EXIT 0
    OUTPUT "r.npz: 1 persons, 170 frames at 20 fps \\(temporal\\), 1 fits, 170 frames started from --start-from"
    ARGS recover --keypoints "${_kp}/kp.json" --scene "${_kp}/scene" --body "${_body}" --prior "${_prior}"
         --start-from "${_motion}" --start-noise-mm 20 --out "${w}/recover_start_from/r.npz" --iterations 10)
  intersynth_cli_test(recover_start_from_mismatch EXIT nonzero ONE_LINE
    OUTPUT "--start-from .*take.npz: 1 persons and 4 frames, but the keypoints have 1 tracks .* and 170 frames"
    NOT_EXIST "${w}/recover_start_from_mismatch/r.npz"
    ARGS recover --keypoints "${_kp}/kp.json" --scene "${_kp}/scene" --body "${_body}" --prior "${_prior}"
         --start-from "${w}/convert_bvh_to_motion/take.npz" --out "${w}/recover_start_from_mismatch/r.npz")
  set_tests_properties(cli.recover_simulated cli.recover_per_frame_smooth cli.recover_no_camera
    cli.recover_body_missing_key cli.recover_start_from
    PROPERTIES FIXTURES_REQUIRED simulated_keypoints)
  # render: the walk placed in the simulated camera's scene (a floor), the
  # scene's camera and one monitoring camera.
  intersynth_cli_test(render_help EXIT 0 OUTPUT "--motion.*--scene.*--place.*--views.*--frames-png.*Examples"
    ARGS render --help)
  intersynth_cli_test(render_simulated EXIT 0
    OUTPUT "scene +170 frames; keypoints: [0-9]+ seen, [0-9]+ hidden.*view_1 +170 frames.*placed 1 person.*bodies fitted.*rendered 170 frames x 2 camera"
    ARGS render --motion "${_motion}" --scene "${_kp}/scene" --body "${_body}" --prior "${_prior}"
         --views 1 --threads 1 --out "${w}/render_simulated/out")
  intersynth_cli_test(render_exists EXIT nonzero ONE_LINE OUTPUT "already exists \\(pass --overwrite"
    ARGS render --motion "${_motion}" --scene "${_kp}/scene" --body "${_body}" --prior "${_prior}"
         --out "${w}/render_simulated/out")
  set_tests_properties(cli.render_exists PROPERTIES DEPENDS cli.render_simulated)
  intersynth_cli_test(render_bad_place EXIT nonzero ONE_LINE OUTPUT "does not fit the room"
    NOT_EXIST "${w}/render_bad_place/out"
    ARGS render --motion "${_motion}" --scene "${_kp}/scene" --body "${_body}" --prior "${_prior}"
         --place 0,50,0 --out "${w}/render_bad_place/out")
  intersynth_cli_test(render_bad_place_text EXIT nonzero ONE_LINE OUTPUT "--place must be X,Z,YAW"
    ARGS render --motion "${_motion}" --scene "${_kp}/scene" --place 1,2 --out "${w}/render_bad_place_text/out")
  set_tests_properties(cli.render_simulated cli.render_exists cli.render_bad_place
    PROPERTIES FIXTURES_REQUIRED simulated_keypoints)
  # One FIXTURES_REQUIRED list: a second set_tests_properties would replace it.
  set_tests_properties(cli.recover_start_from_mismatch
    PROPERTIES FIXTURES_REQUIRED "simulated_keypoints;bvh_take")
  # Single images (testdata/recovery/README.md): each image's own camera,
  # overlays drawn on the frames.
  set(_two "${INTERSYNTH_SOURCE_DIR}/testdata/recovery/two_images")
  intersynth_cli_test(recover_per_image_preview EXIT 0
    OUTPUT "r.npz: 1 persons, 2 frames at 20 fps \\(per-image\\), 2 fits.*60 degree horizontal field of view.*2 frames, 1 tracks, 2 fits.*2 preview images in "
    ARGS recover --keypoints "${_two}/kp.json" --method per-image --frames "${_two}"
         --preview "${w}/recover_per_image_preview/preview" --out "${w}/recover_per_image_preview/r.npz"
         --body "${_body}" --prior "${_prior}" --iterations 10)
  # The hybrid path with a tiny TorchScript regressor (testdata/recovery/README.md):
  # its crops are cut from the frames, its predictions matched to the people.
  intersynth_cli_test(recover_regressor EXIT 0
    OUTPUT "2 fits, 2 frames started from the regressor.*regressor .*tiny_pose_regressor.pt \\(32 x 32 crops, 23 body joints\\).*regressor: 2 crops, 2 people start from their own crop's prediction, 0 from another crop's"
    ARGS recover --keypoints "${_two}/kp.json" --method per-image --frames "${_two}"
         --regressor "${INTERSYNTH_SOURCE_DIR}/testdata/recovery/tiny_pose_regressor.pt"
         --out "${w}/recover_regressor/r.npz" --body "${_body}" --prior "${_prior}" --iterations 10)
  intersynth_cli_test(recover_regressor_needs_frames EXIT nonzero ONE_LINE
    OUTPUT "--regressor needs the frames to crop the people from: give --frames"
    NOT_EXIST "${w}/recover_regressor_needs_frames/r.npz"
    ARGS recover --keypoints "${_two}/kp.json" --method per-image
         --regressor "${INTERSYNTH_SOURCE_DIR}/testdata/recovery/tiny_pose_regressor.pt"
         --out "${w}/recover_regressor_needs_frames/r.npz")
  intersynth_cli_test(recover_regressor_not_torchscript EXIT nonzero
    OUTPUT "open_body.npz: not a TorchScript archive"
    NOT_EXIST "${w}/recover_regressor_not_torchscript/r.npz"
    ARGS recover --keypoints "${_two}/kp.json" --method per-image --frames "${_two}"
         --regressor "${_body}" --out "${w}/recover_regressor_not_torchscript/r.npz"
         --body "${_body}" --prior "${_prior}")
  intersynth_cli_test(recover_missing_frames EXIT nonzero ONE_LINE OUTPUT "--frames .*nowhere: not found"
    NOT_EXIST "${w}/recover_missing_frames/r.npz"
    ARGS recover --keypoints "${_two}/kp.json" --method per-image --frames "${_two}/nowhere"
         --preview "${w}/recover_missing_frames/preview" --out "${w}/recover_missing_frames/r.npz"
         --body "${_body}" --prior "${_prior}" --iterations 10)
endif()
