// conform diff OLD.json NEW.json [--json FILE]: what changed between two runs' JSON reports.
// Exit codes: 0 no new failures, 1 new failures, 2 usage or a report that cannot be read, 4 --json not written.
#include "commands.hpp"
#include "report/diff.hpp"
#include "report/report.hpp"
#include "signals.hpp"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>

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
