// conform serve's line per exchange, written by a thread of its own through a bounded queue: serving never
// waits for whoever reads stdout (a script that reads only the port line must not freeze the server).
//   input : push("GET /v1.0/me 200 get-user/get_user 41us") from any event-loop thread
//   output: the line on stdout, or counted as dropped when the queue is full; dropped() at the end
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace conform::cli {

class serve_log {
 public:
  explicit serve_log(int fd, std::size_t max_lines = 8192);
  ~serve_log();  // stop()
  serve_log(const serve_log&) = delete;
  serve_log& operator=(const serve_log&) = delete;

  void push(std::string line);  // never blocks on the reader; the line gets its '\n' here
  // Writes what stdout accepts within a short grace, counts the rest as dropped, and returns how many lines
  // were dropped in all. Idempotent.
  std::size_t stop();

 private:
  void drain();
  bool write_all(const std::string& text);

  int fd_;
  std::size_t max_lines_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  std::size_t dropped_ = 0;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace conform::cli
