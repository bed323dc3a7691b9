// Reports a CI job can trust, driven through the built binary: what a report path may be and when it is
// checked, what a failed write does to the exit code, Surefire file names, progress lines in a pipe, and what
// SIGINT/SIGTERM leave behind. Device nodes and FIFOs are made in scratch directories: no test names a real
// device, so a writer that renamed over its path could only ever replace a copy.
#include "conform_process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using conform::test::command_result;
using conform::test::conform_bin;
using conform::test::conform_process;
using conform::test::read_file;
using conform::test::run_conform;
using conform::test::serve_process;
using conform::test::shell_word;

const fs::path jenkins_xsd =
    fs::path(CONFORM_SOURCE_DIR) / "harness" / "report" / "test" / "schemas" / "jenkins-junit-10.xsd";

class scratch_dir {
 public:
  scratch_dir() {
    std::string templ = (fs::temp_directory_path() / "conform-cli-reports-XXXXXX").string();
    path_ = ::mkdtemp(templ.data());
  }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// A page with one documented GET of its own URL, so the reference server (and a --fault glob on the fixture
// id "<page>/get_item") tells pages apart.
void write_page(const fs::path& dir, const std::string& page, int n) {
  std::ofstream(dir / (page + ".md"))
      << "# Get item\n\n<!-- { \"blockType\": \"request\", \"name\": \"get_item\" } -->\n"
         "```http\nGET https://graph.microsoft.com/v1.0/items/"
      << n
      << "\n```\n\n<!-- { \"blockType\": \"response\" } -->\n"
         "```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \""
      << n << "\"}\n```\n";
}

// Pages in a directory of their own (runs walk it in name order).
fs::path pages(const scratch_dir& dir, const std::vector<std::string>& names) {
  fs::path docs = dir.path() / "docs";
  fs::create_directories(docs);
  int n = 0;
  for (const auto& name : names) write_page(docs, name, ++n);
  return docs;
}

// A character device with the numbers of /dev/full (1,7) in a scratch directory; false when this process
// may not make or open one (not root, a nodev mount).
bool make_full_device(const fs::path& path) {
  if (::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0) return false;
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

bool is_full_device(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 7);
}

// xmllint's verdict on `file` against the Jenkins schema: "" when valid (or when xmllint is absent).
std::string jenkins_schema_errors(const fs::path& file) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) return "";
  std::string cmd = "xmllint --noout --schema " + shell_word(jenkins_xsd.string()) + " " +
                    shell_word(file.string()) + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0 ? "" : "not valid against the Jenkins schema:\n" + read_file(file);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A loopback listener that never answers: after a run, connections() says whether anything connected.
class silent_listener {
 public:
  silent_listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 64) != 0) return;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~silent_listener() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Connections made since the last call (the kernel completes them without accept).
  int connections() {
    int n = 0;
    for (int c; (c = ::accept(fd_, nullptr, nullptr)) >= 0; ++n) ::close(c);
    return n;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// `conform serve` over `docs` whose fixtures matching `slow_glob` answer after a minute.
std::vector<std::string> slow_serve_args(const fs::path& docs, const std::string& slow_glob) {
  return {"serve",         "--quiet", "--port",     "0", "--fault", "slow@" + slow_glob,
          "--fault-delay", "60000",   docs.string()};
}

// Reads stdout lines until one starts with `prefix`; "" when stdout ends or stays silent for 30 s first.
std::string line_starting(conform_process& p, const std::string& prefix) {
  for (std::string l = p.line(); !l.empty(); l = p.line())
    if (l.rfind(prefix, 0) == 0) return l;
  return "";
}

TEST(CliReports, FailedReportWriteNamesTheReportAndExits4) {
  scratch_dir dir;
  fs::path docs = pages(dir, {"item"});
  fs::path full = dir.path() / "full";
  if (!make_full_device(full)) GTEST_SKIP() << "cannot make a device node here (needs root, no nodev mount)";
  command_result r = run_conform("run " + shell_word(docs.string()) + " --junit " +
                                 shell_word(full.string()) + " --json " + shell_word(dir / "r.json"));
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_NE(r.output.find("cannot write the --junit report " + full.string() + ": No space left on device"),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(is_full_device(full)) << "the device node was replaced";
  EXPECT_NE(read_file(dir / "r.json").find("\"passed\":1"), std::string::npos)
      << "the other reports are written";
}

TEST(CliReports, ExtractOutputThatCannotBeWrittenExits4) {
  scratch_dir dir;
  fs::path docs = pages(dir, {"item"});
  fs::path full = dir.path() / "full";
  if (!make_full_device(full)) GTEST_SKIP() << "cannot make a device node here (needs root, no nodev mount)";
  command_result r = run_conform("extract " + shell_word(docs.string()) + " -o " + shell_word(full.string()));
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_NE(r.output.find("cannot write " + full.string() + ": No space left on device"), std::string::npos)
      << r.output;
  EXPECT_TRUE(is_full_device(full)) << "the device node was replaced";
}

TEST(CliReports, StdoutDescriptorGetsTheReportAfterTheConsoleLines) {
  scratch_dir dir;
  fs::path docs = pages(dir, {"item"});
  // /proc/self/fd/1 is what /dev/stdout leads to (the real /dev/stdout is not named: a broken writer would
  // replace it for the whole machine).
  command_result r = run_conform("run " + shell_word(docs.string()) + " --junit /proc/self/fd/1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::size_t summary = r.output.find("1 passed, 0 failed, 0 errors, 0 skipped\n");
  std::size_t report = r.output.find("<testsuites");
  ASSERT_NE(report, std::string::npos) << r.output;
  EXPECT_LT(summary, report) << r.output;
  EXPECT_NE(r.output.find("</testsuites>\n"), std::string::npos) << r.output;
}

TEST(CliReports, ReportPathsAreCheckedBeforeAnythingIsSent) {
  scratch_dir dir;
  fs::path docs = pages(dir, {"item"});
  std::ofstream(dir / "file") << "a regular file";
  std::ofstream(dir / "suite.json")
      << "{\"json\": \"file/r.json\"}";  // resolved against the suite's directory
  silent_listener server;
  const std::string run =
      "run " + shell_word(docs.string()) + " --target " + server.url() + " --timeout 2000 ";
  struct bad_path {
    std::string args, named;
  } cases[] = {
      {"--junit " + shell_word(dir / "file/junit.xml"), "--junit " + dir / "file/junit.xml"},
      {"--junit " + shell_word(dir.path().string()), "--junit " + dir.path().string()},
      {"--junit-surefire " + shell_word(dir / "file"), "--junit-surefire " + dir / "file"},
      {"--junit-surefire " + shell_word(dir / "file/deeper"), "--junit-surefire " + dir / "file/deeper"},
      {"--suite " + shell_word(dir / "suite.json"), "--json " + dir / "file/r.json"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    command_result r = run_conform(run + c.args);
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find(c.named), std::string::npos) << r.output;
    EXPECT_EQ(server.connections(), 0) << "a request was sent before the report path was found unusable";
  }
  // A report in directories still to be made is fine: they are made when it is written.
  command_result ok = run_conform("run " + shell_word(docs.string()) + " --junit " +
                                  shell_word(dir / "new/deeper/junit.xml"));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(fs::is_regular_file(dir / "new/deeper/junit.xml"));
}

TEST(CliReports, SurefireFilesOfLookalikePagesDoNotOverwriteEachOther) {
  scratch_dir dir;
  fs::path docs = pages(dir, {"op a", "op_a", "op:a"});
  command_result r =
      run_conform("run " + shell_word(docs.string()) + " --junit-surefire " + shell_word(dir / "surefire"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::string all;
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir / "surefire")) {
    ++files;
    all += read_file(e.path());
  }
  EXPECT_EQ(files, 3u);
  for (const std::string page : {"op a", "op_a", "op:a"})
    EXPECT_NE(all.find("classname=\"" + page + "\""), std::string::npos) << page << " is missing:\n" << all;
  // Numbered in page order (op a, op:a, op_a), so reruns name them alike.
  EXPECT_NE(read_file(dir / "surefire/TEST-op_a.xml").find("classname=\"op a\""), std::string::npos);
  EXPECT_NE(read_file(dir / "surefire/TEST-op_a-2.xml").find("classname=\"op:a\""), std::string::npos);
  EXPECT_NE(read_file(dir / "surefire/TEST-op_a-3.xml").find("classname=\"op_a\""), std::string::npos);
}

TEST(CliReports, ProgressLinesReachAPipeAsCasesFinish) {
  scratch_dir dir;
  fs::path docs = pages(dir, {"fast-1", "slow-1"});
  serve_process serve(slow_serve_args(docs, "slow-*"));
  ASSERT_FALSE(serve.url().empty());
  conform_process run({"run", docs.string(), "--target", serve.url(), "--concurrency", "1"});
  // The second case waits a minute for its answer: the first line must not wait with it.
  std::string first = run.line(20000);
  EXPECT_EQ(first.rfind("[1/2] PASS fast-1/get_item", 0), 0u) << "got: \"" << first << "\"";
}

TEST(CliReports, SigtermLeavesCompleteReportsOfWhatRanAndExits143) {
  scratch_dir dir;
  fs::path docs =
      pages(dir, {"fast-1", "fast-2", "fast-3", "slow-1", "slow-2", "slow-3", "slow-4", "slow-5"});
  fs::path out = dir.path() / "out";
  fs::create_directories(out);
  std::ofstream(out / "junit.xml") << "<testsuites name=\"last build\"/>\n";  // CI would publish this
  serve_process serve(slow_serve_args(docs, "slow-*"));
  ASSERT_FALSE(serve.url().empty());
  // Two at a time: when the third case is done, the other worker has already sent slow-1, which is in flight.
  conform_process run({"run", docs.string(), "--target", serve.url(), "--concurrency", "2", "--junit",
                       (out / "junit.xml").string(), "--json", (out / "r.json").string(), "--junit-surefire",
                       (out / "surefire").string()});
  ASSERT_NE(line_starting(run, "[3/8]"), "") << "no progress line for the third case";
  run.signal(SIGTERM);  // slow-1 gets the grace, then is given up; the rest are never sent
  EXPECT_EQ(run.wait(), 143) << run.rest();
  EXPECT_NE(run.rest().find("Interrupted: SIGTERM after 3 of 8 cases; cases without a verdict are skipped"),
            std::string::npos)
      << run.rest();

  std::string junit = read_file(out / "junit.xml");
  EXPECT_EQ(junit.find("last build"), std::string::npos) << "the old report is still there";
  EXPECT_EQ(jenkins_schema_errors(out / "junit.xml"), "");
  EXPECT_NE(junit.find("<property name=\"interrupted\" value=\"SIGTERM after 3 of 8 cases\"/>"),
            std::string::npos)
      << junit;
  EXPECT_EQ(count(junit, "<skipped message=\"not run: interrupted by SIGTERM\"/>"), 5u) << junit;
  EXPECT_NE(junit.find("<testsuites name=\"conform\" tests=\"8\" failures=\"0\" errors=\"0\""),
            std::string::npos)
      << junit;
  std::string json = read_file(out / "r.json");
  EXPECT_NE(json.find("\"total\":8,\"passed\":3,\"failed\":0,\"errors\":0,\"skipped\":5"), std::string::npos)
      << json;
  std::size_t surefire = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out / "surefire")) ++surefire;
  EXPECT_EQ(surefire, 8u);
}

TEST(CliReports, SecondSignalExitsAtOnceLeavingNoHalfWrittenFile) {
  scratch_dir dir;
  fs::path docs = pages(dir, {"fast-1", "slow-1"});
  // The first signal's reports begin with a FIFO nobody reads: writing them waits for ever, so only the
  // second signal can end the process.
  fs::path fifo = dir.path() / "junit.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::ofstream(dir / "r.json") << "old";
  serve_process serve(slow_serve_args(docs, "slow-*"));
  ASSERT_FALSE(serve.url().empty());
  conform_process run({"run", docs.string(), "--target", serve.url(), "--concurrency", "1", "--junit",
                       fifo.string(), "--json", dir / "r.json"});
  ASSERT_NE(line_starting(run, "[1/2]"), "");
  run.signal(SIGINT);
  // Once the first is handled (a second one still pending would merge with it): the reports are next.
  ASSERT_NE(line_starting(run, "Interrupted: SIGINT after 1 of 2 cases"), "");
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(), 130) << run.rest();
  EXPECT_EQ(read_file(dir / "r.json"), "old") << "the report after the FIFO was never begun";
}

}  // namespace
