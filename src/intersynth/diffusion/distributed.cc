#include "intersynth/diffusion/distributed.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#ifdef INTERSYNTH_HAVE_GLOO
#define USE_C10D_GLOO 1
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#include <fmt/format.h>
#include <torch/torch.h>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || value[0] == '\0') return fallback;
  char* end = nullptr;
  const long parsed = std::strtol(value, &end, 10);
  if (*end != '\0' || parsed < 0 || parsed > 1 << 30) {
    throw Error(
        fmt::format("environment variable {}={} is not a non-negative integer", name, value));
  }
  return static_cast<int>(parsed);
}

}  // namespace

void DistributedOptions::Check() const {
  CheckAtLeast(world_size, 1, "world_size");
  if (rank < 0 || rank >= world_size)
    throw OptionError(
        fmt::format("{{rank}} must be in [0, {{world_size}}) = [0, {}), got {}", world_size, rank));
  CheckInRange(master_port, 1, 65535, "master_port");
  CheckPositive(timeout_s, "timeout_s");
  CheckRequired(master_addr, "master_addr");
}

int FindFreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error("cannot open a socket to find a free port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw Error("cannot bind a loopback socket to find a free port");
  }
  const int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

#ifdef INTERSYNTH_HAVE_GLOO
struct ProcessGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
};
#else
struct ProcessGroup::Impl {};
#endif

DistributedOptions DistributedOptionsFromEnvironment() {
  DistributedOptions options;
  options.world_size = EnvInt("WORLD_SIZE", 1);
  options.rank = EnvInt("RANK", 0);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr && addr[0]) options.master_addr = addr;
  options.master_port = EnvInt("MASTER_PORT", 29500);
  if (options.world_size < 1) throw Error("WORLD_SIZE must be at least 1");
  if (options.rank >= options.world_size) {
    throw Error(
        fmt::format("RANK={} must be below WORLD_SIZE={}", options.rank, options.world_size));
  }
  if (options.master_port < 1 || options.master_port > 65535) {
    throw Error(fmt::format("MASTER_PORT={} is not a TCP port", options.master_port));
  }
  return options;
}

ProcessGroup::ProcessGroup(const DistributedOptions& options) : options_(options), impl_(new Impl) {
  options.Check();
  if (options.world_size <= 1) return;
#ifndef INTERSYNTH_HAVE_GLOO
  throw Error(fmt::format(
      "WORLD_SIZE={}: this build has no Gloo (install libgloo-dev and rebuild) and can only "
      "train in one process",
      options.world_size));
#else
  if (options.backend != "gloo") {
    throw Error(fmt::format(
        "distributed backend '{}' is not built into this LibTorch (this build has gloo)",
        options.backend));
  }
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<uint16_t>(options.master_port);
    store_options.isServer = options.rank == 0;
    store_options.numWorkers = options.world_size;
    store_options.waitWorkers = true;
    store_options.timeout = std::chrono::seconds(options.timeout_s);
    impl_->store = c10::make_intrusive<c10d::TCPStore>(options.master_addr, store_options);
    auto gloo_options = c10d::ProcessGroupGloo::Options::create();
    gloo_options->timeout = std::chrono::seconds(options.timeout_s);
    gloo_options->devices.push_back(
        c10d::ProcessGroupGloo::createDeviceForHostname(options.master_addr));
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, options.rank,
                                                               options.world_size, gloo_options);
  } catch (const std::exception& e) {
    throw Error(fmt::format("data-parallel rendezvous at {}:{} (rank {} of {}) failed: {}",
                            options.master_addr, options.master_port, options.rank,
                            options.world_size, e.what()));
  }
#endif
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::AllReduceMean(std::vector<at::Tensor>& tensors) {
  if (options_.world_size <= 1 || tensors.empty()) return;
#ifdef INTERSYNTH_HAVE_GLOO
  // One flat buffer: one collective instead of one per parameter.
  std::vector<at::Tensor> flat_parts;
  for (const at::Tensor& t : tensors) flat_parts.push_back(t.reshape({-1}));
  std::vector<at::Tensor> flat = {torch::cat(flat_parts)};
  impl_->group->allreduce(flat)->wait();
  flat[0].div_(options_.world_size);
  int64_t offset = 0;
  for (at::Tensor& t : tensors) {
    t.copy_(flat[0].narrow(0, offset, t.numel()).view_as(t));
    offset += t.numel();
  }
#endif
}

std::vector<double> ProcessGroup::AllReduceSum(const std::vector<double>& values) {
  if (options_.world_size <= 1 || values.empty()) return values;
#ifdef INTERSYNTH_HAVE_GLOO
  std::vector<at::Tensor> buffer = {torch::tensor(values, torch::kFloat64)};
  impl_->group->allreduce(buffer)->wait();
  const at::Tensor out = buffer[0].contiguous();
  return std::vector<double>(out.data_ptr<double>(), out.data_ptr<double>() + out.numel());
#else
  return values;
#endif
}

void ProcessGroup::Barrier() {
  if (options_.world_size <= 1) return;
#ifdef INTERSYNTH_HAVE_GLOO
  impl_->group->barrier()->wait();
#endif
}

}  // namespace intersynth
