#include "intersynth/util_torch/torch_info.h"

#include <torch/torch.h>

#include <chrono>
#include <thread>

namespace intersynth {

std::string TorchVersion() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

bool TorchCudaAvailable() { return torch::cuda::is_available(); }

void SetTorchThreads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
}

double TorchMatmulSeconds(int n) {
  torch::manual_seed(0);
  const torch::Tensor a = torch::randn({n, n});
  const torch::Tensor b = torch::randn({n, n});
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor c = torch::matmul(a, b);
  TORCH_CHECK(c.size(0) == n, "unexpected matmul shape");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string TorchErrorReason(const std::exception& e) {
  const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
  std::string text = torch_error != nullptr ? torch_error->what_without_backtrace() : e.what();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const size_t newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

}  // namespace intersynth
