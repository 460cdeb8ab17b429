#pragma once
// Data-parallel training through LibTorch's c10d: a TCPStore rendezvous at
// MASTER_ADDR:MASTER_PORT and a process group (Gloo on CPU; NCCL when the
// LibTorch build has it and the tensors live on CUDA). Each process computes
// the gradients of its shard of every batch; AllReduceMean averages them so
// that every process applies the same update (equal shards: the mean of the
// shard means is the mean over the whole batch).
//
// Environment (as torchrun and cluster launchers set it):
//   RANK, WORLD_SIZE, MASTER_ADDR (default 127.0.0.1), MASTER_PORT (default 29500)
// Torch-free header.

#include <memory>
#include <string>
#include <vector>

#include "intersynth/util/options.h"

namespace at {
class Tensor;
}

namespace intersynth {

/// Where this process sits in a data-parallel job.
struct DistributedOptions {
  int rank = 0;
  /// 1 = no process group.
  int world_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  /// Seconds to wait for the other processes at the rendezvous.
  int timeout_s = 300;
  /// "gloo" or "nccl".
  std::string backend = "gloo";

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Reads RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT (absent: one process).
/// Throws Error for values that do not parse or RANK outside [0, WORLD_SIZE).
DistributedOptions DistributedOptionsFromEnvironment();

/// A TCP port on 127.0.0.1 that is free right now (the kernel picks it), for
/// `--nproc` jobs and tests. Throws Error when no socket can be bound.
int FindFreeLoopbackPort();

/// A process group; a world of one does nothing.
class ProcessGroup {
 public:
  /// Joins the group (blocks until every rank arrived). Throws Error when
  /// the rendezvous fails or the backend is not built in.
  explicit ProcessGroup(const DistributedOptions& options);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return options_.rank; }
  int world_size() const { return options_.world_size; }

  /// Replaces each tensor by the mean over all processes (in place).
  void AllReduceMean(std::vector<at::Tensor>& tensors);
  /// Sum over processes of a few numbers (loss terms for the log).
  std::vector<double> AllReduceSum(const std::vector<double>& values);
  /// Waits for every process.
  void Barrier();

 private:
  struct Impl;
  DistributedOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace intersynth
