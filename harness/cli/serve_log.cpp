#include "serve_log.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace conform::cli {

namespace {
// How long the writer waits for stdout to take more before it looks at the stop flag again, and how long it
// keeps trying at the end before what is left counts as dropped.
constexpr int poll_ms = 100;
constexpr auto stop_grace = std::chrono::seconds(1);
}  // namespace

serve_log::serve_log(int fd, std::size_t max_lines) : fd_(fd), max_lines_(max_lines) {
  writer_ = std::thread([this] { drain(); });
}

serve_log::~serve_log() {
  stop();
}

std::size_t serve_log::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
  std::lock_guard lock(mutex_);
  return dropped_;
}

void serve_log::push(std::string line) {
  line += '\n';
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= max_lines_) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(line));
  }
  wake_.notify_one();
}

// Writes only when the descriptor can take bytes (poll), a pipe-buffer's worth at most per write, so the
// thread never sits in a write that a reader who went away would hold forever.
bool serve_log::write_all(const std::string& text) {
  std::size_t off = 0;
  auto give_up_at = std::chrono::steady_clock::time_point::max();
  while (off < text.size()) {
    pollfd p{fd_, POLLOUT, 0};
    int ready = poll(&p, 1, poll_ms);
    if (ready < 0 && errno != EINTR) return false;
    if (ready > 0) {
      if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return false;
      std::size_t n = std::min<std::size_t>(text.size() - off, 4096);  // PIPE_BUF: fits once POLLOUT says so
      ssize_t w = ::write(fd_, text.data() + off, n);
      if (w < 0 && errno != EINTR && errno != EAGAIN) return false;
      if (w > 0) off += static_cast<std::size_t>(w);
      continue;
    }
    std::lock_guard lock(mutex_);
    if (stopping_) {
      auto now = std::chrono::steady_clock::now();
      if (give_up_at == std::chrono::steady_clock::time_point::max()) give_up_at = now + stop_grace;
      if (now >= give_up_at) return false;
    }
  }
  return true;
}

void serve_log::drain() {
  bool broken = false;  // the reader is gone: count the rest instead of writing it
  for (;;) {
    std::deque<std::string> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      batch.swap(queue_);
    }
    std::string text;
    for (std::string& l : batch) text += l;
    if (broken || !write_all(text)) {
      broken = true;
      std::lock_guard lock(mutex_);
      dropped_ += batch.size();
    }
  }
}

}  // namespace conform::cli
