// Helpers shared by the report module's test files: a scratch directory, whole-file reads and XSD validation
// with xmllint.
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include <stdlib.h>
#include <sys/wait.h>

namespace conform::report::test_support {

namespace fs = std::filesystem;

// The schemas live in the repository so the tests need nothing from ../shared.
inline const fs::path schema_dir = fs::path(CONFORM_SOURCE_DIR) / "harness" / "report" / "test" / "schemas";

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "conform-report-XXXXXX").string();
    path_ = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline bool have_xmllint() {
  return std::system("xmllint --version >/dev/null 2>&1") == 0;
}

// Validates `file` against `schema`; returns xmllint's diagnostics (empty on success) so a failure shows why.
// The output comes through a pipe rather than a log file: the approved files checked here sit in the source
// tree, which a test must not write to.
inline std::string xmllint(const fs::path& schema, const fs::path& file) {
  std::string cmd = "xmllint --noout --schema '" + schema.string() + "' '" + file.string() + "' 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return "xmllint could not be started";
  std::string output;
  std::array<char, 4096> buf;
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;) output.append(buf.data(), n);
  int status = ::pclose(pipe);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  return "xmllint failed (" + std::to_string(status) + "): " + output;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace conform::report::test_support
