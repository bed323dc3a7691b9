// Limits that must hold whoever sets them, driven through the built `conform` binary: numeric settings out of
// range from a suite or a flag stop the run before anything is sent; a page that cannot be read is said on
// stderr and fails the command; a secret a server echoes is hidden even where a value is cut for humans.
#include "conform_process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
using conform::test::fresh_dir;
using conform::test::read_file;
using conform::test::run_conform_split;
using conform::test::shell_word;
using conform::test::split_result;

fs::path temp_dir(const std::string& name) {
  return fresh_dir("conform-limits-" + name);
}

// One documented exchange that needs no variables.
const std::string page_text =
    "# Get me\n\n<!-- { \"blockType\": \"request\", \"name\": \"get_me\" } -->\n"
    "```http\nGET https://graph.microsoft.com/v1.0/me\n```\n\n<!-- { \"blockType\": \"response\" } -->\n"
    "```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"1\"}\n```\n";

fs::path write(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

// A loopback port that takes connections into its backlog and never answers: whether conform connected shows
// without a server.
class listener {
 public:
  listener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~listener() { close(fd_); }
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool connected() const {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(Limits, SuiteValueOutOfRangeExits3AndSendsNothing) {
  fs::path dir = temp_dir("suite-range");
  fs::path page = write(dir / "get-me.md", page_text);
  listener server;
  for (const std::string& setting :
       {std::string("\"connect_timeout\": 9223372036854775807"), std::string("\"retries\": 1000000")}) {
    fs::path suite = write(dir / "s.json", "{\"target\": \"" + server.url() + "\", " + setting + "}");
    split_result r =
        run_conform_split("run " + shell_word(page.string()) + " --suite " + shell_word(suite.string()));
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find(setting.substr(0, setting.find(':')) + " must be between "), std::string::npos)
        << r.err;
    EXPECT_FALSE(server.connected()) << setting;
  }
  fs::remove_all(dir);
}

TEST(Limits, FlagValueOutOfRangeExits3AndSendsNothing) {
  fs::path dir = temp_dir("flag-range");
  fs::path page = write(dir / "get-me.md", page_text);
  listener server;
  for (const std::string& flag : {std::string("--retries 21"), std::string("--connect-timeout 0"),
                                  std::string("--timeout 86400001"), std::string("--concurrency 0")}) {
    split_result r =
        run_conform_split("run " + shell_word(page.string()) + " --target " + server.url() + " " + flag);
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find(flag.substr(0, flag.find(' ')) + " must be between "), std::string::npos) << r.err;
    EXPECT_FALSE(server.connected()) << flag;
  }
  fs::remove_all(dir);
}

// A Unix socket exists but cannot be opened for reading, even by root; closed (and removed) with the object.
class socket_file {
 public:
  explicit socket_file(const fs::path& p) : path_(p) {
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, p.c_str(), sizeof addr.sun_path - 1);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  ~socket_file() {
    close(fd_);
    fs::remove(path_);
  }
  socket_file(const socket_file&) = delete;
  socket_file& operator=(const socket_file&) = delete;

 private:
  fs::path path_;
  int fd_ = -1;
};

// The issue's case: a folder whose one real page is over the 64 MB limit ran the other page and said "1
// passed", exit 0, the lost page only shown with -v.
TEST(Limits, RunOverAFolderWithAPageOverTheSizeLimitSaysSoAndExits3) {
  fs::path dir = temp_dir("too-large");
  write(dir / "get-me.md", page_text);
  std::ofstream(dir / "huge.md").put('#');
  fs::resize_file(dir / "huge.md", (64u << 20) + 1);  // sparse: nothing is written
  listener server;
  split_result r = run_conform_split("run " + shell_word(dir.string()) + " --target " + server.url());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("huge.md: error: file-too-large: file is 67108865 bytes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 page(s) could not be read"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("passed"), std::string::npos) << r.out;
  EXPECT_FALSE(server.connected());
  fs::remove_all(dir);
}

TEST(Limits, PageThatCannotBeOpenedFailsRunLintAndExtractOnStderr) {
  fs::path dir = temp_dir("unreadable");
  fs::path page = write(dir / "get-me.md", page_text);
  fs::path sock = dir / "page.md";
  socket_file unreadable(sock);
  const std::string pages = shell_word(sock.string()) + " " + shell_word(page.string());
  const std::string said = sock.string() + ": error: unreadable-file: cannot read the file";

  split_result run = run_conform_split("run " + pages);
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find(said), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("passed"), std::string::npos) << run.out;

  split_result lint = run_conform_split("lint " + pages);
  EXPECT_EQ(lint.exit_code, 2) << lint.out << lint.err;
  EXPECT_NE(lint.err.find(said), std::string::npos) << lint.err;

  // The document is still written whole for the page that was read.
  split_result extract = run_conform_split("extract " + pages);
  EXPECT_EQ(extract.exit_code, 2) << extract.err;
  EXPECT_NE(extract.err.find(said), std::string::npos) << extract.err;
  EXPECT_NE(extract.out.find("\"get-me/get_me\""), std::string::npos) << extract.out;

  split_result only = run_conform_split("extract " + shell_word(sock.string()));
  EXPECT_EQ(only.exit_code, 2) << only.err;
  EXPECT_NE(only.err.find(said), std::string::npos) << only.err;
  EXPECT_NE(only.err.find("no page could be read"), std::string::npos) << only.err;
  fs::remove_all(dir);
}

// An HTTP/1.1 server on a loopback port answering each request (one per connection) from its text.
class echo_server {
 public:
  explicit echo_server(std::function<std::string(const std::string&)> answer) : answer_(std::move(answer)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~echo_server() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  echo_server(const echo_server&) = delete;
  echo_server& operator=(const echo_server&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      std::string reply = answer_(request);
      for (std::size_t sent = 0; sent < reply.size();) {
        ssize_t n = send(c, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      close(c);
    }
  }

  std::function<std::string(const std::string&)> answer_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The case: the bearer token echoed into a value that is cut to 200 bytes for the reports, straddling
// the cut, showed its first half (tok3nABCDEFGHIJKL...) in stdout, JUnit, JSON and Surefire.
TEST(Limits, SecretStraddlingTheCutShowsNoPrefixInAnyReport) {
  const std::string token = "tok3nABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  fs::path dir = temp_dir("straddle");
  fs::path page = write(dir / "get-me.md",
                        "# Get me\n\n<!-- { \"blockType\": \"request\", \"name\": \"typed\" } -->\n"
                        "```http\nGET https://graph.microsoft.com/v1.0/me\n```\n\n"
                        "<!-- { \"blockType\": \"response\" } -->\n"
                        "```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"1\"}\n```\n\n"
                        "<!-- { \"blockType\": \"request\", \"name\": \"text\" } -->\n"
                        "```http\nGET https://graph.microsoft.com/v1.0/me/text\n```\n\n"
                        "<!-- { \"blockType\": \"response\" } -->\n"
                        "```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"1\"}\n```\n");
  // Whatever came after "Bearer ", placed to straddle byte 200 of what a failed check shows: the id value
  // (a property-type failure shows it serialised, ["...), and a body that is not JSON (the json check shows
  // the body).
  echo_server server([](const std::string& request) {
    std::string echoed;
    if (auto at = request.find("Bearer "); at != std::string::npos)
      echoed = request.substr(at + 7, request.find("\r\n", at) - at - 7);
    std::string body = request.rfind("GET /v1.0/me/text ", 0) == 0
                           ? std::string(195, 'x') + echoed + " and more text"
                           : "{\"id\": [\"" + std::string(193, 'x') + echoed + " and more\"]}";
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  });
  setenv("CONFORM_TEST_STRADDLING_TOKEN", token.c_str(), 1);
  split_result r = run_conform_split("run " + shell_word(page.string()) + " --target " + server.url() +
                                     " --bearer-env CONFORM_TEST_STRADDLING_TOKEN -v --junit " +
                                     shell_word((dir / "j.xml").string()) + " --json " +
                                     shell_word((dir / "r.json").string()) + " --junit-surefire " +
                                     shell_word((dir / "surefire").string()));
  unsetenv("CONFORM_TEST_STRADDLING_TOKEN");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("2 failed"), std::string::npos) << r.out;
  std::vector<std::pair<std::string, std::string>> reports = {{"stdout", r.out},
                                                              {"stderr", r.err},
                                                              {"junit", read_file(dir / "j.xml")},
                                                              {"json", read_file(dir / "r.json")}};
  for (const auto& e : fs::directory_iterator(dir / "surefire"))
    reports.emplace_back(e.path().filename().string(), read_file(e.path()));
  for (const auto& [name, text] : reports) {
    ASSERT_FALSE(name != "stderr" && text.empty()) << name;
    for (std::size_t n = 4; n <= token.size(); ++n)
      EXPECT_EQ(text.find(token.substr(0, n)), std::string::npos) << name << " shows " << token.substr(0, n);
  }
  // The values are still shown, cut where the secret began.
  EXPECT_NE(reports[2].second.find(std::string(20, 'x') + "***..."), std::string::npos) << reports[2].second;
  fs::remove_all(dir);
}

}  // namespace
