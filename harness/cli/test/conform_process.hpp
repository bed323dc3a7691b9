// Test helpers: run the built `conform` binary as a child process.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <poll.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace conform::test {

namespace fs = std::filesystem;

inline const std::string conform_bin = std::string(CONFORM_BINARY_DIR) + "/bin/conform";
inline const std::string source_dir = CONFORM_SOURCE_DIR;

// `conform` in the background with its stdout on a pipe (as a CI log collector sees it); SIGKILL on
// destruction if it is still running.
class conform_process {
 public:
  explicit conform_process(const std::vector<std::string>& args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(conform_bin.c_str()));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(conform_bin.c_str(), argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~conform_process() {
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  // One line of stdout, waiting at most `timeout_ms` for it; "" on EOF or timeout.
  std::string line(int timeout_ms = 30000) {
    for (;;) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
      }
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) return {};
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return {};
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // The port from "conform serve: listening on http://127.0.0.1:PORT"; 0 when the line is not that.
  int port() {
    std::string l = line();
    const std::string prefix = "conform serve: listening on http://127.0.0.1:";
    if (l.rfind(prefix, 0) != 0) {
      ADD_FAILURE() << "first line: " << l;
      return 0;
    }
    return std::atoi(l.c_str() + prefix.size());
  }

  // "http://HOST:PORT" from the first line (read once); "" when the server did not start.
  const std::string& url() {
    if (!url_read_) {
      url_read_ = true;
      std::string l = line();
      if (auto at = l.find("listening on "); at != std::string::npos) url_ = l.substr(at + 13);
    }
    return url_;
  }

  // SIGTERM, then the exit code (-1 when killed by a signal).
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void signal(int sig) { kill(pid_, sig); }

  // The exit code once stdout has closed (the process is ending), reading what is left of stdout into
  // `rest()`; -1 when a signal ended it, -2 when it did not end within `timeout_ms` (it is then killed).
  int wait(int timeout_ms = 30000) {
    for (;;) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        waited_ = true;
        return -2;
      }
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) break;
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // Stdout not yet taken by line().
  const std::string& rest() const { return buffer_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool waited_ = false;
  std::string buffer_;
  std::string url_;
  bool url_read_ = false;
};

using serve_process = conform_process;

inline int run_command(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// `s` as one POSIX shell word (single-quoted).
inline std::string shell_word(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A fresh, empty directory `name`-PID in the system's temporary directory (whatever was there is removed).
inline fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

struct command_result {
  int exit_code = -1;
  std::string output;  // stdout, and stderr too when the command sends it there
};

// `cmd` through the shell, waiting for it to end: its exit code (-1 when a signal ended it) and its stdout.
inline command_result run_captured(const std::string& cmd) {
  command_result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `env conform ARGS` through the shell (ARGS already quoted), waiting for it to end; stderr joins stdout in
// `output` when `with_stderr`, else it is dropped.
inline command_result run_conform(const std::string& args, const std::string& env = "",
                                  bool with_stderr = true) {
  return run_captured(env + " " + shell_word(conform_bin) + " " + args +
                      (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

// run_conform with the proxies of the machine running the tests unset (http_proxy, HTTPS_PROXY, NO_PROXY, ...
// in both cases), so that only the proxies a test names in `env` or ARGS take part.
inline command_result run_conform_without_proxies(const std::string& args, const std::string& env = "") {
  return run_conform(
      args,
      "env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u all_proxy -u ALL_PROXY "
      "-u no_proxy -u NO_PROXY " +
          env);
}

struct split_result {
  int exit_code = -1;
  std::string out, err;
};

// `conform ARGS` through the shell (ARGS already quoted) with stdout and stderr apart: for diagnostics that
// must reach stderr whatever stdout is.
inline split_result run_conform_split(const std::string& args) {
  static int n = 0;
  const fs::path err =
      fs::temp_directory_path() / ("conform-stderr-" + std::to_string(getpid()) + "-" + std::to_string(++n));
  const command_result r =
      run_captured(shell_word(conform_bin) + " " + args + " 2>" + shell_word(err.string()));
  split_result s{r.exit_code, r.output, read_file(err)};
  fs::remove(err);
  return s;
}

// What one plain HTTP/1.1 exchange answered: status 0 and no body when no whole answer came within 5 s.
struct http_answer {
  int status = 0;
  std::string body;
};

// A TCP connection to 127.0.0.1:`port` whose receives wait at most 5 s; -1 when it cannot be made.
inline int loopback_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// One request to 127.0.0.1:`port` on its own connection (Connection: close), with extra header lines
// ("Name: value"); a body goes as application/json.
inline http_answer http_exchange(int port, const std::string& method, const std::string& target,
                                 const std::string& body = {}, const std::vector<std::string>& headers = {}) {
  const int fd = loopback_connect(port);
  if (fd < 0) return {};
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const std::string& h : headers) req += h + "\r\n";
  if (!body.empty())
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  std::string got;
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
    char chunk[8192];
    for (ssize_t n; (n = recv(fd, chunk, sizeof chunk, 0)) > 0;)
      got.append(chunk, static_cast<std::size_t>(n));
  }
  close(fd);
  auto end = got.find("\r\n\r\n");
  if (got.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return {};
  return {std::atoi(got.c_str() + 9), got.substr(end + 4)};
}

}  // namespace conform::test
