// conform diff's comparison: JSON reports read back, cases sorted into what changed.
#include "report/diff.hpp"
#include "report/report.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace conform::report {
namespace {

case_result make(std::string id, verdict v) {
  case_result c;
  c.fixture_id = std::move(id);
  c.page = "p";
  c.outcome = v;
  if (v == verdict::failed)
    c.checks = {{check_id::status, check_outcome::failed, "", "200", "500", "expected status 200, got 500"}};
  if (v == verdict::error) {
    c.error = run_error::timeout;
    c.error_message = "GET http://h/v1.0/x: no response within 10 ms";
  }
  return c;
}

run_result run_of(std::vector<case_result> cases) {
  run_result r;
  r.cases = std::move(cases);
  return r;
}

std::vector<std::string> ids(const std::vector<case_change>& v) {
  std::vector<std::string> out;
  for (const auto& c : v) out.push_back(c.id);
  return out;
}

// Both sides go through json_report and back, as `conform diff` reads them.
TEST(ReportDiff, SortsCasesIntoWhatChanged) {
  run_result old_run =
      run_of({make("a", verdict::failed), make("b", verdict::passed), make("c", verdict::error),
              make("d", verdict::failed), make("gone", verdict::failed), make("w", verdict::waived),
              make("s", verdict::failed)});
  run_result new_run =
      run_of({make("a", verdict::passed), make("b", verdict::failed), make("c", verdict::failed),
              make("d", verdict::error), make("fresh", verdict::error), make("fresh_ok", verdict::passed),
              make("w", verdict::failed), make("s", verdict::skipped)});
  report_diff d =
      diff_reports(read_json_report(json_report(old_run)), read_json_report(json_report(new_run)));
  EXPECT_EQ(ids(d.new_failures), (std::vector<std::string>{"b", "fresh", "w"}));
  EXPECT_EQ(ids(d.fixed), std::vector<std::string>{"a"});
  EXPECT_EQ(ids(d.still_failing), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(ids(d.added), (std::vector<std::string>{"fresh", "fresh_ok"}));
  EXPECT_EQ(ids(d.removed), std::vector<std::string>{"gone"});
  EXPECT_EQ(d.new_failures[0].message, "[status] expected status 200, got 500");
  EXPECT_EQ(d.new_failures[1].message, "GET http://h/v1.0/x: no response within 10 ms");
  EXPECT_EQ(d.new_failures[1].old_outcome, "");
  EXPECT_EQ(d.fixed[0].message, "[status] expected status 200, got 500") << "why it failed before";

  // The same from a run in memory (what --baseline compares).
  report_diff same = diff_reports(read_json_report(json_report(old_run)), reported_cases(new_run));
  EXPECT_EQ(ids(same.new_failures), ids(d.new_failures));
  EXPECT_EQ(same.new_failures[0].message, d.new_failures[0].message);

  const std::string text = diff_text(d);
  EXPECT_NE(text.find("New failures (3):\n  b  passed -> failed: [status] expected status 200, got 500\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Removed fixtures (1):\n  gone  failed -> -"), std::string::npos) << text;
  EXPECT_NE(text.find("3 new failures, 1 fixed, 2 still failing, 2 new, 1 removed\n"), std::string::npos)
      << text;

  boost::json::value j = boost::json::parse(diff_json(d));
  EXPECT_EQ(j.at("summary").at("new_failures").to_number<std::size_t>(), 3u);
  EXPECT_EQ(j.at("new_failures").as_array().size(), 3u);
  EXPECT_TRUE(j.at("new_failures").as_array()[1].at("old").is_null());
  EXPECT_EQ(j.at("fixed").as_array()[0].at("new").as_string(), "passed");
  EXPECT_TRUE(j.at("removed").as_array()[0].at("new").is_null());
}

TEST(ReportDiff, NothingChangedIsAllEmpty) {
  run_result r = run_of({make("a", verdict::failed), make("b", verdict::passed)});
  report_diff d = diff_reports(reported_cases(r), reported_cases(r));
  EXPECT_TRUE(d.new_failures.empty());
  EXPECT_TRUE(d.fixed.empty());
  EXPECT_EQ(ids(d.still_failing), std::vector<std::string>{"a"});
  EXPECT_EQ(diff_text(d),
            "Still failing (1):\n  a  failed -> failed: [status] expected status 200, got 500\n"
            "0 new failures, 0 fixed, 1 still failing, 0 new, 0 removed\n");
}

TEST(ReportDiff, WhatIsNotAReportIsRejectedWithAReason) {
  for (const char* bad :
       {"", "{", "[]", R"({"cases": {}})", R"({"cases": [1]})", R"({"cases": [{"id": "a"}]})"})
    EXPECT_THROW(read_json_report(bad), std::invalid_argument) << bad;
  try {
    read_json_report(R"({"summary": {}})");
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "not a conform JSON report (no \"cases\" array)");
  }
}

}  // namespace
}  // namespace conform::report
