// conform::cli — argv, environment and exit codes: the only module that knows them.
//   input : conform lint fixtures/
//   output: "fixtures/x.md:12: error: broken-url: ...", "5 files, 4 fixtures, 1 error, 0 warnings", exit 1
#pragma once

#include "model/fixture.hpp"
#include "report/diff.hpp"
#include "report/report.hpp"

#include <CLI/CLI.hpp>

#include <cstddef>
#include <ostream>
#include <stdexcept>
#include <string>

namespace conform::cli {

// Exit codes are a contract with scripts. extract/lint: 0 clean, 1 doc errors, 2 usage (or a page that could
// not be read). run: 0 all passed, 1 a failure, 2 an error, 3 usage or configuration (or a page that could
// not be read). serve: 0 stopped, 3 configuration.
// run and extract: 4 a report (or extract's document) could not be written after the work was done: it wins
// over 1 and 2, since CI would otherwise read a missing or stale report as this run's.
enum exit_code : int {
  ok = 0,
  failures = 1,
  errors = 2,
  usage_extract = 2,
  usage_run = 3,
  report_failed = 4
};

// A configuration mistake found after parsing (missing file, bad suite): message printed on one line.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Each subcommand lives in its own file: setup_x registers options and a callback that stores its exit code.
void setup_extract(CLI::App& app, int& exit_status);
void setup_lint(CLI::App& app, int& exit_status);
void setup_run(CLI::App& app, int& exit_status);
void setup_serve(CLI::App& app, int& exit_status);
void setup_diff(CLI::App& app, int& exit_status);
void setup_merge(CLI::App& app, int& exit_status);

std::string conform_version();

// The cases of a JSON report file; std::invalid_argument naming the file when it cannot be read or is not
// one.
std::vector<report::reported_case> read_report_cases(const std::string& path);

// Pages named or found under a directory that could not be read (unreadable-file, file-too-large), printed on
// stderr whatever else is shown: the rest would otherwise read as a complete run. Returns how many. A command
// that could not read a page it was asked to read does not exit 0 (extract and lint: 2, run: 3 before
// anything is sent).
std::size_t report_unread_pages(const fixture_set& set, std::ostream& err);
bool is_unread_page(const diagnostic& d);

// --default-version V (run, serve, lint, extract): an API version such as v1.0 or beta (run::valid_version).
CLI::Validator version_check();

// The HTML report links doc pages from where the command runs (relative paths as given on its command line).
report::html_options html_options_here();

}  // namespace conform::cli
