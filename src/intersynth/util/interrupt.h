#pragma once
// Ctrl-C for long commands: the first SIGINT (or SIGTERM) sets a flag that
// the work polls between steps, so that a command can stop cleanly (remove
// its temporary output, save a checkpoint) instead of dying mid-write. A
// second signal ends the process at once (the default action).
//
//   InterruptGuard guard;                 // installs the handler for its scope
//   for (...) { if (InterruptRequested()) throw Error("interrupted"); ... }

namespace intersynth {

/// True once SIGINT or SIGTERM arrived while an InterruptGuard was alive.
bool InterruptRequested();

/// Installs the handler for its lifetime and restores the previous one (and
/// clears the flag) when it dies. Guards may nest; the outermost one rules.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

}  // namespace intersynth
