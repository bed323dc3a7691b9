// Where a report goes: a regular file is replaced whole, anything else (a device, a FIFO, /dev/stdout) is
// written through and left in place; every failed write is an error; paths are checked before a run.
// Device nodes are made in a scratch directory (as root) with the numbers of /dev/null and /dev/full: the
// real ones are never named, so a writer that still renamed over its path could only replace a copy.
#include "report/report.hpp"
#include "test/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace conform::report {
namespace {

namespace fs = std::filesystem;
using test_support::read_file;
using test_support::TempDir;

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

// A character device with the numbers of /dev/null (1,3) or /dev/full (1,7) at `path`; false when this
// process may not make or open one (not root, a nodev mount).
bool make_device(const fs::path& path, unsigned minor) {
  if (::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, minor)) != 0) return false;
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

bool is_device(const fs::path& path, unsigned minor) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, minor);
}

bool still_fifo(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

// A FIFO with a reader on a thread of its own (as a CI log collector would be), reading to its end or
// taking `take` bytes and leaving. A second name for the FIFO lets the test end a reader still waiting for a
// writer (a writer that replaced the FIFO never comes), so a broken writer fails the test instead of hanging
// it.
class fifo_reader {
 public:
  fifo_reader(const fs::path& path, std::size_t take = std::string::npos) : spare_(path.string() + ".spare") {
    ok_ = ::mkfifo(path.c_str(), 0600) == 0 && ::link(path.c_str(), spare_.c_str()) == 0;
    if (!ok_) return;
    thread_ = std::thread([this, path, take] {
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return;
      char buf[4096];
      for (ssize_t n;
           text_.size() < take && (n = ::read(fd, buf, std::min(sizeof buf, take - text_.size()))) > 0;)
        text_.append(buf, static_cast<std::size_t>(n));
      ::close(fd);
    });
  }
  ~fifo_reader() {
    if (thread_.joinable()) text();
  }
  bool ok() const { return ok_; }
  std::string text() {
    if (int fd = ::open(spare_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC); fd >= 0) ::close(fd);
    if (thread_.joinable()) thread_.join();
    return text_;
  }

 private:
  fs::path spare_;
  bool ok_ = false;
  std::thread thread_;
  std::string text_;
};

TEST(ReportFile, CharacterDeviceIsWrittenThroughNotReplaced) {
  TempDir dir;
  fs::path null = dir.path() / "null";
  if (!make_device(null, 3)) GTEST_SKIP() << "cannot make a device node here (needs root, no nodev mount)";
  std::error_code ec;
  write_file_atomic(null, "<testsuites/>\n", ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(is_device(null, 3)) << "the device node was replaced";
  EXPECT_EQ(entries(dir.path()), 1u) << "a temporary file was left beside the device";
}

TEST(ReportFile, FullDeviceIsAnError) {
  TempDir dir;
  fs::path full = dir.path() / "full";
  if (!make_device(full, 7)) GTEST_SKIP() << "cannot make a device node here (needs root, no nodev mount)";
  std::error_code ec;
  write_file_atomic(full, "<testsuites/>\n", ec);
  EXPECT_EQ(ec, std::error_code(ENOSPC, std::system_category())) << ec.message();
  EXPECT_TRUE(is_device(full, 7)) << "the device node was replaced";
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(ReportFile, FifoIsWrittenThroughAndStays) {
  TempDir dir;
  fs::path fifo = dir.path() / "report.fifo";
  fifo_reader reader(fifo);
  ASSERT_TRUE(reader.ok());
  const std::string doc(200000, 'x');  // more than a pipe holds: the writer must wait for the reader
  std::error_code ec;
  write_file_atomic(
      fifo,
      [&](const chunk_sink& sink) {
        sink(std::string_view(doc).substr(0, 1000));
        sink(std::string_view(doc).substr(1000));
      },
      ec);
  EXPECT_FALSE(ec) << ec.message();
  const std::string got = reader.text();
  EXPECT_TRUE(got == doc) << "the reader got " << got.size() << " of " << doc.size() << " bytes";
  EXPECT_TRUE(still_fifo(fifo)) << "the FIFO was replaced";
  EXPECT_EQ(entries(dir.path()), 2u);  // the FIFO and its spare name
}

TEST(ReportFile, ReaderGoneIsAnError) {
  TempDir dir;
  fs::path fifo = dir.path() / "report.fifo";
  // As the cli does: a reader that goes away is EPIPE, not the end of the process.
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  // The reader takes one byte and leaves; the rest of a document larger than a pipe cannot go anywhere.
  fifo_reader reader(fifo, 1);
  ASSERT_TRUE(reader.ok());
  std::error_code ec;
  write_file_atomic(fifo, std::string(1 << 20, 'x'), ec);
  EXPECT_EQ(reader.text().size(), 1u);
  ::sigaction(SIGPIPE, &old, nullptr);
  EXPECT_EQ(ec, std::error_code(EPIPE, std::system_category())) << ec.message();
  EXPECT_TRUE(still_fifo(fifo));
}

TEST(ReportFile, SymlinkStaysAndItsTargetIsReplaced) {
  TempDir dir;
  fs::create_directories(dir.path() / "real");
  fs::path target = dir.path() / "real" / "junit.xml";
  std::error_code ec;
  write_file_atomic(target, "old", ec);
  ASSERT_FALSE(ec);
  fs::create_symlink("real/junit.xml", dir.path() / "hop");  // relative to the link's directory
  fs::create_symlink(dir.path() / "hop", dir.path() / "junit.xml");
  write_file_atomic(dir.path() / "junit.xml", "new", ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(fs::is_symlink(dir.path() / "junit.xml"));
  EXPECT_TRUE(fs::is_symlink(dir.path() / "hop"));
  EXPECT_EQ(read_file(target), "new");
  EXPECT_EQ(entries(dir.path() / "real"), 1u) << "the temporary file belongs beside the target";
}

TEST(ReportFile, DanglingSymlinkGetsItsTargetMade) {
  TempDir dir;
  fs::create_symlink("out/junit.xml", dir.path() / "junit.xml");
  std::error_code ec;
  write_file_atomic(dir.path() / "junit.xml", "new", ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(fs::is_symlink(dir.path() / "junit.xml"));
  EXPECT_EQ(read_file(dir.path() / "out" / "junit.xml"), "new");
}

TEST(ReportFile, ModeOfTheReplacedFileIsKept) {
  TempDir dir;
  fs::path file = dir.path() / "report.json";
  std::error_code ec;
  write_file_atomic(file, "old", ec);
  ASSERT_FALSE(ec);
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  write_file_atomic(file, "new", ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

// /dev/stdout is /proc/self/fd/1: the descriptor the process already has, whatever it is. Behind it here is a
// regular file holding console output: the report goes after it, and the file is the same file.
TEST(ReportFile, ProcessDescriptorIsWrittenThroughAfterWhatItHolds) {
  TempDir dir;
  fs::path log = dir.path() / "stdout.log";
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "console\n", 8), 8);
  struct stat before {};
  ::fstat(fd, &before);
  std::error_code ec;
  write_file_atomic("/proc/self/fd/" + std::to_string(fd), "report\n", ec);
  EXPECT_FALSE(ec) << ec.message();
  struct stat after {};
  ASSERT_EQ(::stat(log.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "the file behind the descriptor was replaced";
  EXPECT_EQ(read_file(log), "console\nreport\n");
  ::close(fd);
}

TEST(ReportFile, DirectoryIsAnError) {
  TempDir dir;
  std::error_code ec;
  write_file_atomic(dir.path(), "x", ec);
  EXPECT_EQ(ec, std::error_code(EISDIR, std::system_category())) << ec.message();
  EXPECT_TRUE(fs::is_directory(dir.path()));
}

TEST(ReportPathCheck, NewFileInDirectoriesStillToMakeIsFine) {
  TempDir dir;
  std::error_code ec;
  check_report_path(dir.path() / "a" / "b" / "junit.xml", ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_FALSE(fs::exists(dir.path() / "a")) << "a check writes nothing";
  check_report_dir(dir.path() / "surefire" / "deeper", ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_FALSE(fs::exists(dir.path() / "surefire"));
}

TEST(ReportPathCheck, WhatCannotBeWrittenIsNamedBeforehand) {
  TempDir dir;
  fs::path file = dir.path() / "file";
  std::error_code ec;
  write_file_atomic(file, "x", ec);
  ASSERT_FALSE(ec);
  check_report_path(file / "junit.xml", ec);  // below a regular file
  EXPECT_EQ(ec, std::error_code(ENOTDIR, std::system_category())) << ec.message();
  check_report_path(file / "deeper" / "junit.xml", ec);
  EXPECT_EQ(ec, std::error_code(ENOTDIR, std::system_category())) << ec.message();
  check_report_path(dir.path(), ec);  // a directory is no report file
  EXPECT_EQ(ec, std::error_code(EISDIR, std::system_category())) << ec.message();
  check_report_dir(file, ec);  // --junit-surefire naming a file
  EXPECT_EQ(ec, std::error_code(ENOTDIR, std::system_category())) << ec.message();
  check_report_path(file, ec);  // an existing report is replaced: fine
  EXPECT_FALSE(ec) << ec.message();
}

TEST(ReportPathCheck, FifoWithoutReaderPassesWithoutBlocking) {
  TempDir dir;
  fs::path fifo = dir.path() / "report.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::error_code ec;
  check_report_path(fifo, ec);  // opening it would wait for a reader forever
  EXPECT_FALSE(ec) << ec.message();
}

TEST(ReportPathCheck, DeviceNodePasses) {
  TempDir dir;
  fs::path null = dir.path() / "null";
  if (!make_device(null, 3)) GTEST_SKIP() << "cannot make a device node here (needs root, no nodev mount)";
  std::error_code ec;
  check_report_path(null, ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST(SurefireNames, PagesThatLookAlikeGetFilesOfTheirOwn) {
  EXPECT_EQ(surefire_file_names({"op a", "op_a", "op:a"}),
            (std::vector<std::string>{"TEST-op_a.xml", "TEST-op_a-2.xml", "TEST-op_a-3.xml"}));
  // A page whose own name is a suffixed one, and names differing only in case (macOS, Windows).
  EXPECT_EQ(surefire_file_names({"x y", "x_y-2", "x_y", "Get-User", "get-user"}),
            (std::vector<std::string>{"TEST-x_y.xml", "TEST-x_y-2.xml", "TEST-x_y-3.xml", "TEST-Get-User.xml",
                                      "TEST-get-user-2.xml"}));
  EXPECT_EQ(surefire_file_names({""}), std::vector<std::string>{"TEST-unnamed.xml"});
  // Within NAME_MAX (255) with room for a suffix.
  std::string name = surefire_file_names({std::string(400, 'a')}).front();
  EXPECT_LE(name.size(), 220u);
}

}  // namespace
}  // namespace conform::report
