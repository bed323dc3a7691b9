// conform::report — run results rendered late: JUnit XML, JSON, console lines; plus atomic report files.
//   input : run_result{cases=[{fixture_id="get-user/get_user", page="get-user", outcome=failed,
//   checks=[status 200/500]}]} output: <testsuites name="conform" ...><testsuite name="get-user"
//   ...><testcase name="get-user/get_user" ...>
//           <failure type="status" message="expected status 200, got 500">...</failure></testcase>...
#pragma once

#include "model/result.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace conform::report {

// Writes `content` to a temporary file next to `path`, fsyncs it and renames it over `path`, so a reader (or
// a CI step after a crash) sees either the old report or the whole new one. Creates missing parent
// directories.
void write_file_atomic(const std::filesystem::path& path, std::string_view content, std::error_code& ec);

// The same for a document handed over in pieces as it is made (so it is never held in memory whole):
// `produce` calls its sink with each piece. After a failed write the sink drops the rest and `path` is left
// as it was.
using chunk_sink = std::function<void(std::string_view)>;
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(const chunk_sink&)>& produce, std::error_code& ec);

struct junit_options {
  std::string hostname;   // "" -> gethostname()
  std::string timestamp;  // "" -> run_result.started_at, or now (UTC) when that is empty too
  // Jenkins shows timestamp/hostname, but the Surefire XSD rejects both: false makes every <testsuite> of the
  // whole file valid Surefire once extracted.
  bool host_and_time = true;
};

// One document, root <testsuites>, one <testsuite> per doc page; valid against the Jenkins xUnit
// junit-10.xsd.
std::string junit_xml(const run_result& run, const junit_options& opts = {});
// Page -> standalone single-<testsuite> document valid against the Maven Surefire 3.0 XSD (which has a single
// testsuite root and knows neither `timestamp` nor `hostname`).
std::vector<std::pair<std::string, std::string>> junit_surefire_suites(const run_result& run);

// {"summary":{...},"started_at":...,"seconds":...,"properties":[{"name","value"}],"cases":[{...,"checks":[...]}]}
std::string json_report(const run_result& run);

// Text helpers shared by the renderers (exposed for tests and for other text outputs).
// Replaces invalid UTF-8 sequences with U+FFFD.
std::string valid_utf8(std::string_view s);
// Valid UTF-8 without the characters XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF).
std::string xml_clean(std::string_view s);
std::string xml_escape_attribute(std::string_view s);  // xml_clean + & < > " ' and tab/LF/CR as references
std::string xml_cdata(std::string_view s);             // <![CDATA[...]]> with "]]>" split across sections

// Progress and failures for people: a live `\r` line on a terminal, plain lines otherwise. Safe to call from
// several worker threads.
class console_reporter {
 public:
  console_reporter(std::ostream& out, bool terminal, bool verbose);
  void on_case(const case_result& c, std::size_t done, std::size_t total);
  // Ends with the line "N passed, N failed, N errors, N skipped".
  void finish(const run_result& run);

 private:
  void print_details(const case_result& c);

  std::ostream& out_;
  bool terminal_;
  bool verbose_;
  bool progress_shown_ = false;
  run_summary so_far_;
  std::mutex mutex_;
};

// "N passed, N failed, N errors, N skipped"
std::string summary_line(const run_summary& s);

}  // namespace conform::report
