#include "signals.hpp"

#include <atomic>
#include <csignal>

#include <unistd.h>

namespace conform::cli {

namespace {

// The only state a handler touches: a lock-free atomic is async-signal-safe.
std::atomic<int> interrupted_by{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_interrupt(int sig) {
  int none = 0;
  if (!interrupted_by.compare_exchange_strong(none, sig)) ::_exit(128 + sig);
}

}  // namespace

void ignore_sigpipe() {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, nullptr);
}

void catch_interrupts() {
  struct sigaction on {};
  on.sa_handler = on_interrupt;
  sigemptyset(&on.sa_mask);
  // Restarted system calls: a first signal must not turn a report write or the event loop's wait into EINTR.
  on.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &on, nullptr);
  ::sigaction(SIGTERM, &on, nullptr);
}

std::string_view interrupt_name() {
  switch (interrupted_by.load()) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return {};
  }
}

int interrupt_exit_code() {
  int sig = interrupted_by.load();
  return sig == 0 ? 0 : 128 + sig;
}

}  // namespace conform::cli
