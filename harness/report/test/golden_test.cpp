// Golden-file (approved-file) tests for every report format, after Catch2's tests/SelfTest/Baselines.
//
// One deterministic run_result is rendered by every writer and compared with
// harness/report/test/approved/<name>.approved.<ext>. On a mismatch the test prints the first differing line
// and writes what it got to ${CONFORM_BINARY_DIR}/report-golden/<name>.received.<ext>; compare the two with
// `diff -u`.
//
// To accept a deliberate change of the output, run the tests with CONFORM_APPROVE=1, e.g.
//   CONFORM_APPROVE=1 build/tests/conform_report_tests --gtest_filter='*Approved*'
// which overwrites the approved files with the received output (the tests then pass); review `git diff` and
// commit the approved files with the change that caused them.
//
// Normalisation: the run is fixed in code, so its durations, timestamp, ports and version are part of the
// input and stay exact in the approved files (masking them would hide a wrong sum or format, and the XSDs
// accept only digits in `time`). The one value that differs between machines is the JUnit hostname, which
// defaults to gethostname(): it is replaced by {hostname}. The console's terminal mode writes \r and ESC;
// those files store control characters as visible escapes so they read and diff as text.
#include "report/diff.hpp"
#include "report/report.hpp"
#include "test/test_support.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace conform::report {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test_support::have_xmllint;
using test_support::read_file;
using test_support::schema_dir;
using test_support::xmllint;

const fs::path approved_dir = fs::path(CONFORM_SOURCE_DIR) / "harness" / "report" / "test" / "approved";
const fs::path received_dir = fs::path(CONFORM_BINARY_DIR) / "report-golden";

// Server text that XML, JSON and terminals each choke on differently: C0 controls and an ANSI escape,
// invalid and truncated UTF-8, a CDATA terminator, markup characters, tab, CR LF, valid non-ASCII and U+FFFE.
const std::string hostile =
    "ctl\x01\x08 esc\x1b[31mred\x1b[0m bad\xff\xfe utf8 \xe2\x82 cut ]]> \"q\" 'a' <&> "
    "tab\there crlf\r\nnext caf\xc3\xa9 \xe2\x9c\x93 nonchar\xef\xbf\xbe end";

void set_error(case_result& c, run_error stage, std::string message, std::error_code cause = {}) {
  c.outcome = verdict::error;
  c.error = stage;
  c.cause = cause;
  c.error_message = std::move(message);
}

case_result on_page(std::string page, std::string name, std::string file, std::size_t line) {
  case_result c;
  c.fixture_id = page + "/" + name;
  c.page = std::move(page);
  c.file = std::move(file);
  c.line = line;
  return c;
}

// A first failure message longer than the 200-byte limit of the JUnit message attribute, with a two-byte
// character straddling the cut, so the truncation must back off to a character boundary.
std::string long_message() {
  std::string s = "the body differs from the documented example:";
  while (s.size() < 199) s += " lorem";
  s.resize(199);
  return s + "\xc3\xa9 and the rest that only the failure text keeps";
}

run_result golden_run() {
  run_result run;
  run.started_at = "2026-01-02T03:04:05Z";
  run.seconds = 2.25;
  run.properties = {{"target", "http://127.0.0.1:8080"},
                    {"conform.version", "0.1.0"},
                    {"filter.include", "get-user/*, " + hostile}};

  // Pages interleave so the writers have to group cases by page, keeping first-seen order.
  case_result retried = on_page("get-user", "get_user", "api/user-get.md", 40);
  retried.method = "GET";
  retried.url = "http://127.0.0.1:8080/v1.0/users/1";
  retried.status = 200;
  retried.seconds = 0.0123;
  retried.attempts = 2;
  retried.passed_after_retry = true;
  retried.passed_checks = 5;
  retried.checks = {{check_id::unexpected_property, check_outcome::note, "/extra", "", "1",
                     "1 undocumented property: /extra"}};
  retried.notes = {"retried after 503 Service Unavailable"};
  run.cases.push_back(retried);

  case_result refused = on_page("create-op", "create", "api/create-op.md", 12);
  refused.method = "POST";
  refused.url = "http://127.0.0.1:8080/v1.0/operations";
  refused.seconds = 0.001;
  refused.attempts = 1;
  set_error(refused, run_error::connect, "connection refused by 127.0.0.1:8080: " + hostile,
            std::make_error_code(std::errc::connection_refused));
  refused.curl = "curl -i -X POST http://127.0.0.1:8080/v1.0/operations --data-raw '{\"a\":1}'";
  run.cases.push_back(refused);

  case_result failed = on_page("get-user", "get_user_select", "api/user-get.md", 90);
  failed.outcome = verdict::failed;
  failed.method = "GET";
  failed.url = "http://127.0.0.1:8080/v1.0/users/1?$select=status,resultInfo";
  failed.status = 200;
  failed.seconds = 0.25;
  failed.attempts = 1;
  failed.passed_checks = 3;
  failed.substitutions = {"{id} = 1", "{tenant} = contoso"};
  failed.notes = {"response compared with the example in section \"Response\""};
  failed.checks = {
      {check_id::property_type, check_outcome::failed, "/resultInfo/code", "Int32", "\"200\"",
       "/resultInfo/code should be Int32 (number), got string"},
      {check_id::enum_value, check_outcome::failed, "/status", "one of NotStarted, Running, Succeeded",
       "\"" + hostile + "\"", "value " + hostile + " is not a documented member"},
      {check_id::odata_type, check_outcome::skipped, "/@odata.type", "#microsoft.graph.user", "",
       "skipped: the docs give no @odata.type for a $select response"},
      {check_id::unexpected_property, check_outcome::note, "/resultInfo/extra", "", "true",
       "1 undocumented property: /resultInfo/extra"},
  };
  // Evidence (run keeps it for failed and errored cases): the response cut at 4 KB, the request (-v only)
  // and the curl line, server text in each.
  message_excerpt response;
  response.status = 200;
  response.reason = "OK";
  response.headers = {{"Content-Type", "application/json"}, {"Set-Cookie", "***"}, {"X-Echo", hostile}};
  response.body = R"({"status":")" + hostile + R"(","resultInfo":{"code":"200"}})";
  response.truncated = true;
  response.body_bytes = 9000;
  failed.response = response;
  message_excerpt request;
  request.method = "GET";
  request.url = failed.url;
  request.headers = {{"Authorization", "***"}, {"X-Conform-Fixture", failed.fixture_id}};
  failed.request = request;
  failed.curl =
      "curl -i 'http://127.0.0.1:8080/v1.0/users/1?$select=status,resultInfo' -H \"Authorization: "
      "Bearer $TOKEN\" -H 'X-Note: it'\\''s ]]> <&>'";
  run.cases.push_back(failed);

  // Status first, as Hurl does: when it fails, the body checks are skipped and say so.
  case_result wrong_status = on_page("list-items", "list", "api/list-items.md", 7);
  wrong_status.outcome = verdict::failed;
  wrong_status.method = "GET";
  wrong_status.url = "http://127.0.0.1:8080/v1.0/items";
  wrong_status.status = 500;
  wrong_status.seconds = 1.0005;
  wrong_status.attempts = 3;
  wrong_status.checks = {
      {check_id::status, check_outcome::failed, "", "200", "500", long_message()},
      {check_id::content_type, check_outcome::failed, "", "application/json", "text/html; charset=utf-8",
       "content type should be application/json, got text/html"},
      {check_id::json, check_outcome::skipped, "", "", "", "skipped: status check failed"},
  };
  run.cases.push_back(wrong_status);

  case_result skipped = on_page("create-op", "needs-tenant", "api/create-op.md", 30);
  skipped.outcome = verdict::skipped;
  skipped.skip_reason = "not runnable: " + hostile;
  run.cases.push_back(skipped);

  case_result timed_out = on_page("list-items", "list_paged", "api/list-items.md", 55);
  timed_out.method = "GET";
  timed_out.url = "http://127.0.0.1:8080/v1.0/items?$top=2&$skip=2";
  timed_out.seconds = 0.5;
  timed_out.attempts = 1;
  set_error(timed_out, run_error::timeout, "no response within 500 ms (read)");
  run.cases.push_back(timed_out);

  // Nothing to say about it: the JUnit testcase is an empty element.
  case_result quiet = on_page("get-user", "get_user_me", "api/user-get.md", 120);
  quiet.method = "GET";
  quiet.url = "http://127.0.0.1:8080/v1.0/me";
  quiet.status = 200;
  quiet.seconds = 0.004;
  quiet.attempts = 1;
  quiet.passed_checks = 4;
  run.cases.push_back(quiet);

  // --rerun-failures: a flaky pass (a failure, then an error, then a pass) and a case that failed every run.
  case_result flaky = on_page("list-items", "list_flaky", "api/list-items.md", 80);
  flaky.method = "GET";
  flaky.url = "http://127.0.0.1:8080/v1.0/items?$top=1";
  flaky.status = 200;
  flaky.seconds = 0.75;
  flaky.attempts = 1;
  flaky.passed_checks = 4;
  flaky.flaky = true;
  flaky.attempts_detail = {
      {verdict::failed, 500, 0.25, "status", "expected status 200, got 500",
       "[status] (response): expected status 200, got 500\n  expected: 200\n  actual:   500\n"},
      {verdict::error, 0, 0.25, "read", "GET http://127.0.0.1:8080/v1.0/items?$top=1: closed " + hostile,
       "read: closed " + hostile + "\n"},
      {verdict::passed, 200, 0.25, "", "", ""}};
  run.cases.push_back(flaky);

  case_result stubborn = on_page("create-op", "create_again", "api/create-op.md", 50);
  stubborn.outcome = verdict::failed;
  stubborn.method = "POST";
  stubborn.url = "http://127.0.0.1:8080/v1.0/operations";
  stubborn.status = 500;
  stubborn.seconds = 0.3;
  stubborn.attempts = 1;
  stubborn.checks = {
      {check_id::status, check_outcome::failed, "", "201", "500", "expected status 201, got 500"}};
  stubborn.attempts_detail = {
      {verdict::failed, 500, 0.1, "status", "expected status 201, got 500", "[status] (response): ...\n"},
      {verdict::error, 0, 0.1, "timeout", "POST http://127.0.0.1:8080/v1.0/operations: no response",
       "timeout\n"},
      {verdict::failed, 502, 0.1, "status", "expected status 201, got 502", "[status] (response): 502\n"}};
  stubborn.curl = "curl -i -X POST http://127.0.0.1:8080/v1.0/operations";
  run.cases.push_back(stubborn);

  // A known failure a suite waiver covers.
  case_result waived = on_page("get-user", "get_user_known", "api/user-get.md", 140);
  waived.outcome = verdict::waived;
  waived.method = "GET";
  waived.url = "http://127.0.0.1:8080/v1.0/users/2";
  waived.status = 200;
  waived.seconds = 0.002;
  waived.attempts = 1;
  waived.checks = {{check_id::enum_value, check_outcome::failed, "/state", "one of a, b", "\"c\"",
                    "value c is not a documented member"}};
  waived.waived_by = waiver{"get-user/*", "enum", "server bug 123 " + hostile, "2026-12-31"};
  run.cases.push_back(waived);

  // Every check passed on an empty collection: inconclusive, a pass with its note in JUnit.
  case_result empty = on_page("list-items", "list_none", "api/list-items.md", 30);
  empty.outcome = verdict::inconclusive;
  empty.inconclusive_reason = "an empty collection (\"value\": []): no item was checked";
  empty.method = "GET";
  empty.url = "http://127.0.0.1:8080/v1.0/items?$filter=x";
  empty.status = 200;
  empty.seconds = 0.003;
  empty.attempts = 1;
  empty.passed_checks = 4;
  run.cases.push_back(empty);
  return run;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

// junit_xml's default hostname is this machine's; only that attribute value is masked, so a wrong or missing
// hostname still shows.
std::string mask_hostname(const std::string& xml) {
  return replace_all(xml, "hostname=\"" + xml_escape_attribute(host_name()) + "\"",
                     "hostname=\"{hostname}\"");
}

// Control characters as visible escapes. For a stored file the mapping must stay one-to-one, so a backslash
// is doubled, and a CR also ends the stored line so every state of the terminal's live line reads on a line
// of its own; a diff excerpt only has to be readable.
std::string visible_controls(std::string_view s, bool stored = true) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\\' && stored) {
      out += "\\\\";
    } else if (c == '\r') {
      out += stored ? "\\r\n" : "\\r";
    } else if (c == 0x1b) {
      out += "\\e";
    } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

std::vector<std::string_view> lines_of(std::string_view s) {
  std::vector<std::string_view> lines;
  while (!s.empty()) {
    std::size_t nl = s.find('\n');
    std::size_t len = nl == std::string_view::npos ? s.size() : nl + 1;
    lines.push_back(s.substr(0, len));
    s.remove_prefix(len);
  }
  return lines;
}

// A unified-diff-like excerpt around the first differing line; lines keep their '\n' so a missing final
// newline shows as a difference. A long line (the JSON report is one) is cut to a window around the first
// differing column.
std::string first_difference(std::string_view approved, std::string_view received) {
  auto a = lines_of(approved), r = lines_of(received);
  std::size_t i = 0;
  while (i < a.size() && i < r.size() && a[i] == r[i]) ++i;
  std::string_view a_line = i < a.size() ? a[i] : "", r_line = i < r.size() ? r[i] : "";
  std::size_t column = 0;
  while (column < a_line.size() && column < r_line.size() && a_line[column] == r_line[column]) ++column;
  constexpr std::size_t window = 80;
  auto show = [&](std::string_view line) {
    bool newline = !line.empty() && line.back() == '\n';
    if (newline) line.remove_suffix(1);
    std::string text;
    if (line.size() > 2 * window) {
      std::size_t from = column > window ? column - window : 0;
      // Start on a character boundary so the excerpt stays valid UTF-8.
      while (from > 0 && (static_cast<unsigned char>(line[from]) & 0xC0) == 0x80) --from;
      if (from > 0) text = "...";
      text += visible_controls(line.substr(from, 2 * window), false);
      if (from + 2 * window < line.size()) text += "...";
    } else {
      text = visible_controls(line, false);
    }
    return text + (newline ? "\n" : "\n\\ No newline at end of file\n");
  };
  std::ostringstream out;
  out << "@@ first difference at line " << i + 1 << ", column " << column + 1 << " @@\n";
  for (std::size_t k = i >= 2 ? i - 2 : 0; k < i; ++k) out << ' ' << show(a[k]);
  if (i < a.size())
    out << '-' << show(a[i]);
  else
    out << "-<end of approved file>\n";
  if (i < r.size())
    out << '+' << show(r[i]);
  else
    out << "+<end of received output>\n";
  return out.str();
}

bool approving() {
  const char* v = std::getenv("CONFORM_APPROVE");
  return v != nullptr && std::string_view(v) == "1";
}

// `stem` and `ext` name approved/<stem>.approved.<ext>; `received` is already normalised.
void expect_matches_approved(const std::string& stem, const std::string& ext, const std::string& received) {
  fs::path approved_file = approved_dir / (stem + ".approved." + ext);
  fs::path received_file = received_dir / (stem + ".received." + ext);
  std::error_code ec;
  if (approving()) {
    write_file_atomic(approved_file, received, ec);
    ASSERT_FALSE(ec) << "cannot write " << approved_file << ": " << ec.message();
    fs::remove(received_file, ec);
    std::printf("CONFORM_APPROVE=1: wrote %s\n", approved_file.c_str());
    return;
  }
  // No approved file reads as empty: the excerpt then shows the first line it should start with.
  std::string approved = fs::exists(approved_file) ? read_file(approved_file) : std::string();
  if (received == approved) {
    fs::remove(received_file, ec);  // a stale one from an earlier failure would mislead
    return;
  }
  write_file_atomic(received_file, received, ec);
  ADD_FAILURE() << "output differs from the approved file\n--- " << approved_file.string() << "\n+++ "
                << received_file.string() << (ec ? " (could not be written: " + ec.message() + ")" : "")
                << "\n"
                << first_difference(approved, received)
                << "If the change is intended, rerun with CONFORM_APPROVE=1 and commit the approved file.";
}

std::string console_output(const run_result& run, bool terminal, bool verbose) {
  std::ostringstream out;
  console_reporter reporter(out, terminal, verbose);
  for (std::size_t i = 0; i < run.cases.size(); ++i) reporter.on_case(run.cases[i], i + 1, run.cases.size());
  reporter.finish(run);
  return out.str();
}

std::vector<std::string> page_names(const run_result& run) {
  std::vector<std::string> pages;
  for (const auto& c : run.cases)
    if (std::find(pages.begin(), pages.end(), c.page) == pages.end()) pages.push_back(c.page);
  return pages;
}

TEST(JunitWriter, MatchesApprovedFile) {
  // Default options, as `conform run --junit` uses them: hostname from the machine, timestamp from the run.
  expect_matches_approved("junit", "xml", mask_hostname(junit_xml(golden_run())));
}

TEST(JunitWriter, SurefireSuitesMatchApprovedFiles) {
  run_result run = golden_run();
  auto suites = junit_surefire_suites(run);
  std::vector<std::string> names;
  for (const auto& [page, xml] : suites) {
    SCOPED_TRACE(page);
    names.push_back(page);
    expect_matches_approved("surefire-" + page, "xml", xml);
  }
  EXPECT_EQ(names, page_names(run)) << "one document per page, in first-seen order";
}

TEST(JsonReport, MatchesApprovedFile) {
  expect_matches_approved("json", "json", json_report(golden_run()));
}

TEST(ConsoleReporter, AllModesMatchApprovedFiles) {
  run_result run = golden_run();
  for (bool terminal : {false, true}) {
    for (bool verbose : {false, true}) {
      std::string stem =
          std::string("console-") + (terminal ? "terminal" : "plain") + (verbose ? "-verbose" : "");
      SCOPED_TRACE(stem);
      expect_matches_approved(stem, "txt", visible_controls(console_output(run, terminal, verbose)));
    }
  }
}

TEST(JunitWriter, ApprovedFileValidatesAgainstJenkinsSchema) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed";
  EXPECT_EQ(xmllint(schema_dir / "jenkins-junit-10.xsd", approved_dir / "junit.approved.xml"), "");
}

TEST(JunitWriter, ApprovedSurefireFilesValidateAgainstSurefireSchema) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed";
  // Every approved Surefire file, including a stale one for a page the run no longer has.
  std::set<std::string> expected, found;
  for (const auto& page : page_names(golden_run())) expected.insert("surefire-" + page + ".approved.xml");
  for (const auto& entry : fs::directory_iterator(approved_dir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("surefire-", 0) != 0) continue;
    found.insert(name);
    EXPECT_EQ(xmllint(schema_dir / "surefire-test-report-3.0.xsd", entry.path()), "") << name;
  }
  EXPECT_EQ(found, expected);
}

// conform merge reads JSON reports back: every field json_report writes survives the trip, hostile text too.
TEST(JsonReport, ReadsBackToTheSameReport) {
  const std::string once = json_report(golden_run());
  const run_result back = read_run(once);
  EXPECT_EQ(json_report(back), once);
  EXPECT_EQ(back.cases.size(), golden_run().cases.size());
  EXPECT_EQ(back.summary().waived, golden_run().summary().waived);
  EXPECT_EQ(back.summary().inconclusive, 1u);
  EXPECT_EQ(back.cases.back().inconclusive_reason, golden_run().cases.back().inconclusive_reason);
  EXPECT_THROW(read_run(R"({"cases": [{"id": "a", "outcome": "maybe"}]})"), std::invalid_argument);
  EXPECT_THROW(read_run(R"({"cases": [{"id": "a", "outcome": "failed", "checks": [{"check": "vibes"}]}]})"),
               std::invalid_argument);
}

TEST(JsonReport, MergedShardsAreInFileAndLineOrderAndOverlapsAreRefused) {
  run_result all = golden_run();
  run_result a, b;
  for (std::size_t i = 0; i < all.cases.size(); ++i) (i % 2 == 0 ? a : b).cases.push_back(all.cases[i]);
  a.properties = {{"target", "t"}, {"shard", "1/2"}};
  b.properties = {{"target", "t"}, {"shard", "2/2"}};
  a.seconds = 1;
  b.seconds = 2;
  a.started_at = "2026-01-02T03:04:06Z";
  b.started_at = "2026-01-02T03:04:05Z";
  run_result m = merge_runs({b, a}, {"b.json", "a.json"});
  ASSERT_EQ(m.cases.size(), all.cases.size());
  for (std::size_t i = 1; i < m.cases.size(); ++i) {
    const case_result& x = m.cases[i - 1];
    const case_result& y = m.cases[i];
    EXPECT_TRUE(x.file < y.file || (x.file == y.file && x.line <= y.line))
        << x.fixture_id << " before " << y.fixture_id;
  }
  EXPECT_EQ(m.seconds, 3);
  EXPECT_EQ(m.started_at, "2026-01-02T03:04:05Z");
  EXPECT_EQ(m.properties,
            (std::vector<std::pair<std::string, std::string>>{{"target", "t"}, {"merged", "2 reports"}}));
  try {
    merge_runs({a, b, a}, {"a.json", "b.json", "again.json"});
    ADD_FAILURE() << "an overlap was merged";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("is in both a.json and again.json"), std::string::npos) << e.what();
  }
}

TEST(JsonReport, ApprovedFileParses) {
  boost::system::error_code ec;
  json::value v = json::parse(read_file(approved_dir / "json.approved.json"), ec);
  ASSERT_FALSE(ec) << ec.message();
  run_summary s = golden_run().summary();
  const auto& summary = v.at("summary");
  EXPECT_EQ(summary.at("total").to_number<std::size_t>(), golden_run().cases.size());
  EXPECT_EQ(summary.at("passed").to_number<std::size_t>(), s.passed);
  EXPECT_EQ(summary.at("failed").to_number<std::size_t>(), s.failed);
  EXPECT_EQ(summary.at("errors").to_number<std::size_t>(), s.errors);
  EXPECT_EQ(summary.at("skipped").to_number<std::size_t>(), s.skipped);
}

}  // namespace
}  // namespace conform::report
