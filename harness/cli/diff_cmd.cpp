// conform diff OLD.json NEW.json [--json FILE]: what changed between two runs' JSON reports.
// Exit codes: 0 no new failures, 1 new failures, 2 usage or a report that cannot be read, 4 --json not
// written.
#include "commands.hpp"
#include "report/diff.hpp"
#include "report/report.hpp"
#include "signals.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

namespace conform::cli {
namespace {

struct diff_options {
  std::string old_report, new_report, json;
};

int diff_command(const diff_options& o) {
  auto cases = [](const std::string& path) {
    try {
      return read_report_cases(path);
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
  };
  if (!o.json.empty()) {
    std::error_code ec;
    report::check_report_path(o.json, ec);
    if (ec) throw usage_error("--json " + o.json + ": cannot be written: " + ec.message());
  }
  report::report_diff d = report::diff_reports(cases(o.old_report), cases(o.new_report));
  std::cout << report::diff_text(d) << std::flush;
  if (!o.json.empty()) {
    ignore_sigpipe();
    std::error_code ec;
    report::write_file_atomic(o.json, report::diff_json(d), ec);
    if (ec) {
      std::cerr << "conform: cannot write the --json report " << o.json << ": " << ec.message() << '\n';
      return report_failed;
    }
  }
  return d.new_failures.empty() ? ok : failures;
}

}  // namespace

report::html_options html_options_here() {
  std::error_code ec;
  const std::filesystem::path here = std::filesystem::current_path(ec);
  return {ec ? std::string() : here.string()};
}

std::vector<report::reported_case> read_report_cases(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot read the report");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return report::read_json_report(text.str());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
}

namespace {

struct merge_options {
  std::vector<std::string> reports;
  std::string json, junit, surefire_dir, html;
};

// conform merge A.json B.json ...: shard reports as one run's reports; exit as `run` would for that run
// (0 passed, 1 a failure, 2 an error), 3 for a report that cannot be read, 4 when a report is not written.
int merge_command(const merge_options& o) {
  for (const auto& [flag, path] : {std::pair<const char*, const std::string*>{"--json", &o.json},
                                   {"--junit", &o.junit},
                                   {"--html", &o.html},
                                   {"--junit-surefire", &o.surefire_dir}}) {
    if (path->empty()) continue;
    std::error_code ec;
    path == &o.surefire_dir ? report::check_report_dir(*path, ec) : report::check_report_path(*path, ec);
    if (ec) throw usage_error(std::string(flag) + " " + *path + ": cannot be written: " + ec.message());
  }
  std::vector<run_result> runs;
  for (const std::string& path : o.reports) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw usage_error(path + ": cannot read the report");
    std::ostringstream text;
    text << in.rdbuf();
    try {
      runs.push_back(report::read_run(text.str()));
    } catch (const std::invalid_argument& e) {
      throw usage_error(path + ": " + e.what());
    }
  }
  run_result merged;
  try {
    merged = report::merge_runs(runs, o.reports);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  ignore_sigpipe();
  bool written = true;
  auto write = [&](const char* flag, const std::string& path, const std::string& content) {
    if (path.empty()) return;
    std::error_code ec;
    report::write_file_atomic(path, content, ec);
    if (!ec) return;
    std::cerr << "conform: cannot write the " << flag << " report " << path << ": " << ec.message() << '\n';
    written = false;
  };
  write("--json", o.json, report::json_report(merged));
  write("--junit", o.junit, report::junit_xml(merged));
  write("--html", o.html, report::html_report(merged, html_options_here()));
  if (!o.surefire_dir.empty()) {
    // One file per page, named as run names them.
    auto suites = report::junit_surefire_suites(merged);
    std::vector<std::string> pages;
    for (const auto& [page, xml] : suites) pages.push_back(page);
    const std::vector<std::string> names = report::surefire_file_names(pages);
    for (std::size_t i = 0; i < suites.size(); ++i)
      write("--junit-surefire", (std::filesystem::path(o.surefire_dir) / names[i]).string(),
            suites[i].second);
  }
  const run_summary s = merged.summary();
  std::cout << "Merged " << runs.size() << " reports: " << merged.cases.size() << " cases\n"
            << report::summary_line(s) << '\n'
            << std::flush;
  if (!written) return report_failed;
  if (s.errors > 0) return errors;
  if (s.failed > 0) return failures;
  return ok;
}

}  // namespace

void setup_merge(CLI::App& app, int& exit_status) {
  auto opts = std::make_shared<merge_options>();
  auto* sub =
      app.add_subcommand("merge", "Combine shard JSON reports (run --shard K/N) into one run's reports");
  sub->add_option("reports", opts->reports, "JSON reports (--json) of the shards")->required();
  sub->add_option("--json", opts->json, "Write the merged JSON report here");
  sub->add_option("--junit", opts->junit, "Write the merged JUnit XML report (<testsuites>) here");
  sub->add_option("--junit-surefire", opts->surefire_dir,
                  "Write one merged Surefire TEST-<page>.xml per page into DIR");
  sub->add_option("--html", opts->html, "Write the merged self-contained HTML report here");
  sub->callback([opts, &exit_status] { exit_status = merge_command(*opts); });
}

void setup_diff(CLI::App& app, int& exit_status) {
  auto opts = std::make_shared<diff_options>();
  auto* sub = app.add_subcommand(
      "diff", "Compare two JSON reports: new failures, fixed, still failing, new and removed fixtures");
  sub->add_option("old", opts->old_report, "The earlier run's JSON report (--json)")->required();
  sub->add_option("new", opts->new_report, "The later run's JSON report")->required();
  sub->add_option("--json", opts->json, "Also write the comparison as JSON here");
  sub->callback([opts, &exit_status] { exit_status = diff_command(*opts); });
}

}  // namespace conform::cli
