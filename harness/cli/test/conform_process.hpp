// Test helpers: run the built `conform` binary as a child process.
#pragma once

#include <sys/wait.h>
#include <unistd.h>
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

// A `conform serve` child process; its first stdout line names the port.
class serve_process {
 public:
  explicit serve_process(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(conform_bin.c_str()));
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(conform_bin.c_str(), argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
    char line[512];
    // Blocks until the server has bound its port (or died: EOF).
    while (out_ && fgets(line, sizeof line, out_)) {
      std::string l = line;
      auto at = l.find("listening on ");
      if (at != std::string::npos) {
        url_ = l.substr(at + 13);
        while (!url_.empty() && (url_.back() == '\n' || url_.back() == '\r')) url_.pop_back();
        break;
      }
    }
  }
  ~serve_process() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int st = 0;
      waitpid(pid_, &st, 0);
    }
    if (out_) fclose(out_);
  }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string url_;
};

inline int run_command(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace conform::test
