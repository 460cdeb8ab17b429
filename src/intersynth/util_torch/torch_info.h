#pragma once
// The one small LibTorch target of the foundation. Its header stays free of
// Torch so that plain modules and the app can include it cheaply; Torch types
// appear only in .cc files and in the headers of Torch modules (DESIGN.md).

#include <exception>
#include <string>

namespace intersynth {

/// LibTorch version string, e.g. "1.13.1".
std::string TorchVersion();

/// Whether LibTorch sees a CUDA device.
bool TorchCudaAvailable();

/// Sets LibTorch's intra-op thread count (LibTorch defaults to one here).
/// `threads` <= 0 means one per hardware core.
void SetTorchThreads(int threads);

/// Runs a small matrix product through LibTorch (and so through OpenBLAS) and
/// returns the elapsed seconds: a quick check that the BLAS kernel is right.
double TorchMatmulSeconds(int n);

/// The useful line of a LibTorch error, for a one-line user message: a
/// c10::Error loses its C++ stack (what_without_backtrace()), and an error
/// raised inside TorchScript ends with its own message after a TorchScript
/// traceback, so the last non-empty line is kept. Other exceptions give what().
std::string TorchErrorReason(const std::exception& e);

}  // namespace intersynth
