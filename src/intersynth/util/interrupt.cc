#include "intersynth/util/interrupt.h"

#include <atomic>
#include <csignal>

namespace intersynth {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_guards{0};
struct sigaction g_old_int;
struct sigaction g_old_term;

extern "C" void OnInterrupt(int signal) {
  g_interrupted.store(true);
  // The next signal of this kind takes its default action (ends the process).
  std::signal(signal, SIG_DFL);
}

}  // namespace

bool InterruptRequested() { return g_interrupted.load(); }

InterruptGuard::InterruptGuard() {
  if (g_guards.fetch_add(1) > 0) return;
  g_interrupted.store(false);
  struct sigaction action = {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_old_int);
  sigaction(SIGTERM, &action, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
  if (g_guards.fetch_sub(1) > 1) return;
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  g_interrupted.store(false);
}

}  // namespace intersynth
