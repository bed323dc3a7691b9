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

// Writes a report to `path` so that a reader never sees half of it and nothing but the report is replaced:
// - a regular file, or a path with nothing there yet: a temporary file beside it, fsynced and renamed over
// it,
//   so a reader (or a CI step after a crash) sees either the old report or the whole new one; a symlink is
//   followed and its final target replaced (the links stay); missing parent directories are made;
// - anything else (a device such as /dev/null, a FIFO, /dev/stdout or /dev/fd/N): opened and written through,
//   appending; never renamed over, never unlinked.
// Every failed write is an error in `ec` (ENOSPC from /dev/full, EPIPE when a FIFO's reader left, a short
// write, fsync or close); SIGPIPE is the caller's to ignore.
void write_file_atomic(const std::filesystem::path& path, std::string_view content, std::error_code& ec);

// The same for a document handed over in pieces as it is made (so it is never held in memory whole):
// `produce` calls its sink with each piece. After a failed write the sink drops the rest and a regular file
// at `path` is left as it was.
using chunk_sink = std::function<void(std::string_view)>;
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(const chunk_sink&)>& produce, std::error_code& ec);

// Whether write_file_atomic could write `path`, found without writing or opening anything (a FIFO would wait
// for its reader), so a run can refuse a bad report path before it starts rather than after hours of work:
// a file (or a symlink's target) in a directory that exists and takes new files, or in one that can be made
// below the nearest existing directory; or a writable non-regular file. ENOTDIR, EISDIR, EACCES, EROFS...
void check_report_path(const std::filesystem::path& path, std::error_code& ec);
// The same for a directory reports are written into (Surefire's): it exists, or can be made, and is writable.
void check_report_dir(const std::filesystem::path& dir, std::error_code& ec);

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
// File names for those documents, in the same order: "TEST-<page>.xml" with the page name made safe as a file
// name, unique within the run even where safe names meet, or differ only in case (case-folding file systems
// on the machines CI artifacts are unpacked on): pages "op a", "op_a", "op:a" -> TEST-op_a.xml,
// TEST-op_a-2.xml, TEST-op_a-3.xml (numbered in page order, so reruns name them alike).
std::vector<std::string> surefire_file_names(const std::vector<std::string>& pages);

// The JSON report's "schema_version"; docs/report.schema.json describes that version.
inline constexpr int report_schema_version = 1;
// {"schema_version":1,"summary":{...},"started_at":...,"seconds":...,"properties":[{"name","value"}],"cases":[{...,"checks":[...]}]}
std::string json_report(const run_result& run);

struct html_options {
  // Doc pages' relative paths are linked as file: URLs below this directory (the run's working directory);
  // "" links only absolute paths.
  std::string doc_root;
};
// One self-contained HTML page (inline CSS and script; a Content-Security-Policy forbids every fetch): the
// summary, filters by outcome, check and page (state in the URL fragment, e.g. #outcome=failing; <body
// data-shown="N"> counts the cases shown), and every case with its doc link (file:line), expected vs actual,
// the response excerpt and the curl line. All text is escaped; nothing from a run goes into the script.
std::string html_report(const run_result& run, const html_options& opts = {});
// xml_clean + & < > " ' as entities: safe as HTML text and as a double-quoted attribute value.
std::string html_escape(std::string_view s);
// The console's word for an outcome: "PASS", "FAIL", "ERROR", "SKIP", "WAIVED", "INCONCLUSIVE".
std::string_view outcome_label(verdict v);

// Text helpers shared by the renderers (exposed for tests and for other text outputs).
// Replaces invalid UTF-8 sequences with U+FFFD.
std::string valid_utf8(std::string_view s);
// Valid UTF-8 without the characters XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF).
std::string xml_clean(std::string_view s);
std::string xml_escape_attribute(std::string_view s);  // xml_clean + & < > " ' and tab/LF/CR as references
std::string xml_cdata(std::string_view s);             // <![CDATA[...]]> with "]]>" split across sections

// How the console looks beyond its mode: colour, and the clock behind the progress line's elapsed time and
// estimate of what is left.
struct console_style {
  bool colour =
      false;  // ANSI colours on the outcome words (cli: a terminal without NO_COLOR, or --color always)
  // Seconds since the run started; when set, the live line on a terminal says "12.0s elapsed, ~30s left".
  std::function<double()> elapsed;
};

// Progress and failures for people: a live `\r` line on a terminal, plain lines otherwise. Safe to call from
// several worker threads.
class console_reporter {
 public:
  console_reporter(std::ostream& out, bool terminal, bool verbose, console_style style = {});
  void on_case(const case_result& c, std::size_t done, std::size_t total);
  // Ends with the line "N passed, N failed, N errors, N skipped", after "Interrupted: ..." when the run has
  // an `interrupted` property, and after a list of the failed and errored cases (one line each, at most 100).
  void finish(const run_result& run);

 private:
  void print_details(const case_result& c);
  void list_failures(const run_result& run);
  std::string word(verdict v) const;  // the outcome's label, coloured when the style says so

  std::ostream& out_;
  bool terminal_;
  bool verbose_;
  console_style style_;
  bool progress_shown_ = false;
  run_summary so_far_;
  std::mutex mutex_;
};

// "N passed, N failed, N errors, N skipped"
std::string summary_line(const run_summary& s);

}  // namespace conform::report
