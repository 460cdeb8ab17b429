#include "intersynth/diffusion/training_loop.h"

#include <fmt/format.h>

#include "intersynth/io/json.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/logging.h"

namespace intersynth {

void TrainingRunOptions::Check() const {
  CheckRequired(data_dir.string(), "data_dir");
  CheckRequired(out_dir.string(), "out_dir");
  CheckAtLeast<int64_t>(steps, 0, "steps");
  CheckAtLeast(batch, 0, "batch");
  CheckAtLeast(load_jobs, 1, "load_jobs");
  CheckAtLeast<int64_t>(stop_after_steps, 0, "stop_after_steps");
  CheckAtLeast(max_minutes, 0.0, "max_minutes");
}

void CheckRunFolder(const TrainingRunOptions& options,
                    const RunPaths& paths,
                    std::string_view kind) {
  if (options.resume) {
    if (!std::filesystem::exists(paths.config()))
      throw Error(fmt::format("{}: no {} to resume here (config.json is missing)",
                              paths.dir.string(), kind));
    return;
  }
  if (std::filesystem::exists(paths.dir) && !std::filesystem::is_empty(paths.dir))
    throw OptionError(
        fmt::format("{}: already exists; pass {{resume}} to continue that {}, or choose another "
                    "{{out_dir}}",
                    paths.dir.string(), kind));
}

TrainingSplits LoadTrainingSplits(const TrainingRunOptions& options, bool warn) {
  TrainingSplits splits;
  splits.train = LoadTrainingCorpus(options.data_dir, "train", options.load_jobs);
  try {
    splits.val = LoadTrainingCorpus(options.data_dir, "val", options.load_jobs);
  } catch (const Error& e) {
    if (warn) LogWarn("no validation: {}", e.what());
  }
  for (const TrainingClip& clip : splits.train.clips) splits.train_clip_ids.push_back(clip.id);
  return splits;
}

Tokenizer RunTokenizer(const TrainingRunOptions& options,
                       const RunPaths& paths,
                       std::string_view kind,
                       int max_persons,
                       TrainingSplits* splits) {
  if (!options.resume) return Tokenizer::Build(TokenizerCaptions(splits->train, max_persons));
  Tokenizer tokenizer = Tokenizer::Load(paths.tokenizer());
  if (ReadNonEmptyLines(paths.train_clips()) != splits->train_clip_ids) {
    throw Error(fmt::format(
        "{}: the train split of {} differs from the clips this {} started on ({}); "
        "resume on the same dataset",
        paths.dir.string(), options.data_dir.string(), kind, paths.train_clips().string()));
  }
  splits->train.normalizer = FeatureNormalizer::Load(paths.mean(), paths.std());
  if (splits->val) splits->val->normalizer = splits->train.normalizer;
  return tokenizer;
}

void WriteRunData(const RunPaths& paths, const Tokenizer& tokenizer, const TrainingSplits& splits) {
  tokenizer.Save(paths.tokenizer());
  splits.train.normalizer.Save(paths.mean(), paths.std());
  WriteLinesAtomic(paths.train_clips(), splits.train_clip_ids);
}

torch::optim::AdamW MakeAdamW(const std::vector<torch::Tensor>& parameters,
                              const TrainConfig& config) {
  return torch::optim::AdamW(parameters, torch::optim::AdamWOptions(config.lr)
                                             .betas({config.adam_beta1, config.adam_beta2})
                                             .weight_decay(config.weight_decay));
}

void SetLearningRate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

TrainingLoop::TrainingLoop(const TrainingRunOptions& options,
                           RunPaths paths,
                           int64_t total_steps,
                           bool leader)
    : options_(options), paths_(std::move(paths)), total_steps_(total_steps), leader_(leader) {
  if (leader_) metrics_.open(paths_.metrics(), std::ios::app);
}

nlohmann::json TrainingLoop::Resume() {
  const std::filesystem::path state_path = paths_.checkpoint() / RunPaths::kState;
  const nlohmann::json state = ReadJson(state_path);
  first_step_ = JsonRequire<int64_t>(state, "step", state_path.string());
  elapsed_before_ = state.value("elapsed_s", 0.0);
  return state;
}

bool TrainingLoop::OutOfTime() const {
  return options_.max_minutes > 0 && timer_.Seconds() > 60.0 * options_.max_minutes;
}

TrainingLoop::StepEnd TrainingLoop::EndOfStep(int64_t step,
                                              bool interrupted,
                                              bool out_of_time) const {
  StepEnd end;
  end.interrupted = interrupted;
  end.paused = !interrupted && step < total_steps_ &&
               (out_of_time ||
                (options_.stop_after_steps > 0 && step - first_step_ >= options_.stop_after_steps));
  end.last = step == total_steps_ || end.paused;
  return end;
}

void TrainingLoop::Log(const nlohmann::json& record) {
  if (leader_) metrics_ << record.dump() << "\n" << std::flush;
}

void TrainingLoop::SaveCheckpoint(
    int64_t step,
    const std::function<void(const std::filesystem::path& folder)>& write,
    nlohmann::json state) {
  if (!leader_) return;
  AtomicFolderWriter out(paths_.checkpoint(), /*overwrite=*/true);
  std::filesystem::create_directories(out.temp_path());
  write(out.temp_path());
  state["step"] = step;
  state["elapsed_s"] = ElapsedSeconds();
  WriteJson(out.temp_path() / RunPaths::kState, state);
  out.Commit();
}

bool TrainingLoop::Stop(const StepEnd& end, int64_t step, TrainingRunReport* report) const {
  if (end.paused) {
    report->paused = true;
    report->message =
        fmt::format("paused at step {} of {}; checkpoint written", step, total_steps_);
    return true;
  }
  if (end.interrupted) {
    report->interrupted = true;
    report->success = false;
    report->message = fmt::format("interrupted at step {}; checkpoint written", step);
    return true;
  }
  return false;
}

}  // namespace intersynth
