// intersynth train --data DATASET --out RUN [--config cpu|gpu|FILE] [--steps N]
//   [--batch B] [--device cpu|cuda] [--threads K] [--resume] [--nproc N]

#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "apps/intersynth/training_report.h"
#include "intersynth/diffusion/trainer.h"
#include "intersynth/util/error.h"

extern char** environ;

namespace intersynth::cli {
namespace {

// Starts `nproc` copies of this program with `args` (without --nproc) and
// RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT set, waits for all of them,
// and stops the others when one fails. Returns the first non-zero exit code.
int LaunchLocalProcesses(int nproc, const std::vector<std::string>& args) {
  const int port = FindFreeLoopbackPort();
  std::vector<pid_t> children;
  for (int rank = 0; rank < nproc; ++rank) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry = *e;
      if (entry.rfind("RANK=", 0) == 0 || entry.rfind("WORLD_SIZE=", 0) == 0 ||
          entry.rfind("MASTER_ADDR=", 0) == 0 || entry.rfind("MASTER_PORT=", 0) == 0 ||
          entry.rfind("LOCAL_RANK=", 0) == 0) {
        continue;
      }
      env_strings.push_back(entry);
    }
    env_strings.push_back(fmt::format("RANK={}", rank));
    env_strings.push_back(fmt::format("LOCAL_RANK={}", rank));
    env_strings.push_back(fmt::format("WORLD_SIZE={}", nproc));
    env_strings.push_back("MASTER_ADDR=127.0.0.1");
    env_strings.push_back(fmt::format("MASTER_PORT={}", port));
    std::vector<char*> argv, envp;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), envp.data()) != 0) {
      for (pid_t child : children) kill(child, SIGTERM);
      throw Error(fmt::format("--nproc: could not start process {}", rank));
    }
    children.push_back(pid);
  }
  // Ctrl-C reaches the children through the terminal; the launcher only waits.
  signal(SIGINT, SIG_IGN);
  int first_failure = 0;
  for (size_t remaining = children.size(); remaining > 0; --remaining) {
    int status = 0;
    const pid_t pid = wait(&status);
    if (pid < 0) break;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code != 0 && first_failure == 0) {
      first_failure = code;
      for (pid_t child : children) {
        if (child != pid) kill(child, SIGTERM);
      }
    }
  }
  return first_failure;
}

}  // namespace

void SetupTrain(CLI::App* command) {
  auto options = std::make_shared<TrainOptions>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto nproc = std::make_shared<int>(1);
  auto config_given = std::make_shared<std::string>();
  command->footer(
      "Trains the multi-person text-to-motion diffusion model (one transformer over every\n"
      "person's frame tokens, AdaLN conditioning on the diffusion step and the text;\n"
      "src/intersynth/diffusion/denoiser.h) on a dataset from `intersynth data build`.\n"
      "Single-person clips are also composed into 2-4 person scenes at random,\n"
      "non-overlapping places (train.composed_rate): they teach co-presence and collision\n"
      "avoidance, not contact, which only real multi-person clips can teach.\n\n"
      "Configs: cpu (d_model 256, 4 layers; data/configs/diffusion_cpu.json), gpu (768, 8\n"
      "layers) or a JSON file whose keys override the cpu defaults; unknown keys are errors.\n"
      "The run folder gets config.json, tokenizer.json, the feature statistics,\n"
      "train_clips.txt (every clip id trained on), metrics.jsonl and checkpoint/ (written\n"
      "atomically every train.checkpoint_every steps, at the end and at Ctrl-C).\n"
      "--resume continues exactly where the checkpoint stopped (same data order, noise and\n"
      "learning rate as an uninterrupted run; CPU).\n\n"
      "Data-parallel: --nproc N starts N processes here, each with 1/N of every batch,\n"
      "gradients averaged through c10d (Gloo). Launchers such as torchrun or a cluster\n"
      "scheduler instead set RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT for each\n"
      "process of one `intersynth train` command line.\n\n"
      "Examples:\n"
      "  intersynth train --data ds --out runs/cpu1 --steps 20000\n"
      "  intersynth train --data ds --out runs/cpu1 --resume          # after Ctrl-C\n"
      "  intersynth train --data ds --out runs/cpu1 --resume --max-minutes 60   # in chunks\n"
      "  intersynth train --data ds --out runs/dp --nproc 2 --threads 1\n"
      "  intersynth train --data ds --out runs/gpu1 --config gpu --device cuda");
  auto flags = std::make_shared<FieldFlags>(command);
  TrainOptions& o = *options;
  flags->Add("--data", "data_dir", data.get(), "dataset folder (intersynth data build --out)")
      ->required();
  flags->Add("--out", "out_dir", out.get(), "run folder (new, or an existing one with --resume)")
      ->required();
  flags->Add("--config", "config", config_given.get(),
             "cpu, gpu or a config JSON file (default cpu; on --resume: the run's)");
  flags->Add("--steps", "steps", &o.steps, "total steps of the run (overrides train.steps)");
  flags->Add("--batch", "batch", &o.batch, "global batch size (overrides train.batch)");
  flags->AddEnum("--device", "device", &o.device, ParseComputeDevice, "cpu or cuda");
  flags->Add("--threads", "threads", &o.threads,
             "LibTorch threads per process (default: cores / processes)");
  flags->AddFlag("--resume", "resume", &o.resume, "continue the run in --out from its checkpoint");
  flags->Add("--stop-after", "stop_after_steps", &o.stop_after_steps,
             "stop with a checkpoint after this many steps of this call (the schedule still ends "
             "at --steps)");
  flags->Add("--max-minutes", "max_minutes", &o.max_minutes,
             "stop with a checkpoint after this many minutes (resume later with --resume)");
  flags->Add("--jobs", "load_jobs", &o.load_jobs, "threads that load the dataset")
      ->capture_default_str();
  command->add_option("--nproc", *nproc, "data-parallel processes on this machine")
      ->capture_default_str();
  command->callback([=] {
    flags->Run([&] {
      if (*nproc < 1) throw Error("--nproc must be at least 1");
      if (*nproc > 1) {
        if (std::getenv("WORLD_SIZE") != nullptr && std::string(std::getenv("WORLD_SIZE")) != "1") {
          throw Error("--nproc cannot be combined with a launcher's WORLD_SIZE");
        }
        // Re-run this command line without --nproc in N processes.
        std::vector<std::string> args = {"intersynth", "train",
                                         "--data",     *data,
                                         "--out",      *out,
                                         "--device",   std::string(ToString(options->device)),
                                         "--jobs",     std::to_string(options->load_jobs)};
        if (!config_given->empty()) args.insert(args.end(), {"--config", *config_given});
        if (options->steps > 0)
          args.insert(args.end(), {"--steps", std::to_string(options->steps)});
        if (options->batch > 0)
          args.insert(args.end(), {"--batch", std::to_string(options->batch)});
        if (options->threads > 0)
          args.insert(args.end(), {"--threads", std::to_string(options->threads)});
        if (options->resume) args.push_back("--resume");
        if (options->stop_after_steps > 0)
          args.insert(args.end(), {"--stop-after", std::to_string(options->stop_after_steps)});
        if (options->max_minutes > 0)
          args.insert(args.end(), {"--max-minutes", fmt::format("{}", options->max_minutes)});
        const int code = LaunchLocalProcesses(*nproc, args);
        if (code != 0)
          throw Error(
              fmt::format("a training process failed (exit code {}); see its message above", code));
        return;
      }
      options->data_dir = *data;
      options->out_dir = *out;
      options->config = *config_given;
      options->distributed = DistributedOptionsFromEnvironment();
      const TrainReport report = Train(*options);
      if (options->distributed.rank != 0) return;
      ReportTrainingStop(report);
      std::printf(
          "trained to step %lld (%lld steps this run, %.1f samples/s); loss %.4f, val loss %.4f; "
          "run in %s\n",
          static_cast<long long>(report.step), static_cast<long long>(report.steps_trained),
          report.samples_per_s, report.loss, report.val_loss, out->c_str());
    });
  });
}

}  // namespace intersynth::cli
