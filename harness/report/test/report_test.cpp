#include "report/report.hpp"
#include "test/test_support.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>
#include <sstream>
#include <string>

namespace conform::report {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const std::string hostile =
    "ctl\x01 esc\x1b[31m bad\xff\xfe utf8 \xe2\x82 end ]]> \"quotes\" 'apos' <&> tab\there";

run_result sample_run() {
  run_result run;
  run.started_at = "2026-01-02T03:04:05Z";
  run.seconds = 1.5;
  run.properties = {{"target", "http://127.0.0.1:8080"}, {"conform.version", "0.1.0"}, {"filter", hostile}};

  case_result passed;
  passed.fixture_id = "get-user/get_user";
  passed.page = "get-user";
  passed.file = "api/user-get.md";
  passed.line = 40;
  passed.method = "GET";
  passed.url = "http://127.0.0.1:8080/v1.0/users/1";
  passed.status = 200;
  passed.seconds = 0.0123;
  passed.attempts = 2;
  passed.passed_after_retry = true;
  passed.checks = {
      {check_id::status, check_outcome::passed, "", "", "", "status 200"},
      {check_id::unexpected_property, check_outcome::note, "", "", "/x", "1 undocumented property: /x"}};
  run.cases.push_back(passed);

  case_result failed = passed;
  failed.fixture_id = "get-user/get_user_select";
  failed.line = 90;
  failed.attempts = 1;
  failed.passed_after_retry = false;
  failed.outcome = verdict::failed;
  failed.checks = {
      {check_id::status, check_outcome::passed, "", "", "", "status 200"},
      {check_id::property_type, check_outcome::failed, "/resultInfo/code", "Int32", "\"200\"",
       "/resultInfo/code should be Int32 (number), got string"},
      {check_id::enum_value, check_outcome::failed, "/status", "one of NotStarted, Running",
       "\"" + hostile + "\"", "value " + hostile + " is not a documented member"},
  };
  failed.substitutions = {"{id} = 1"};
  run.cases.push_back(failed);

  case_result error;
  error.fixture_id = "create-op/create";
  error.page = "create-op";
  error.file = "api/create-op.md";
  error.line = 12;
  error.outcome = verdict::error;
  error.error = run_error::connect;
  error.error_message = "connection refused " + hostile;
  error.seconds = 0.001;
  run.cases.push_back(error);

  case_result skipped;
  skipped.fixture_id = "create-op/needs-tenant";
  skipped.page = "create-op";
  skipped.outcome = verdict::skipped;
  skipped.skip_reason = "not runnable: " + hostile;
  run.cases.push_back(skipped);
  return run;
}

using test_support::have_xmllint;
using test_support::read_file;
using test_support::schema_dir;
using test_support::TempDir;
using test_support::xmllint;

TEST(JunitWriter, WholeReportValidatesAgainstJenkinsSchema) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed";
  fs::path xsd = schema_dir / "jenkins-junit-10.xsd";
  if (!fs::exists(xsd)) GTEST_SKIP() << "schema missing: " << xsd;
  TempDir dir;
  std::error_code ec;
  write_file_atomic(dir.path() / "junit.xml", junit_xml(sample_run()), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(xmllint(xsd, dir.path() / "junit.xml"), "");
}

TEST(JunitWriter, EverySuiteValidatesAgainstSurefireSchema) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed";
  fs::path xsd = schema_dir / "surefire-test-report-3.0.xsd";
  if (!fs::exists(xsd)) GTEST_SKIP() << "schema missing: " << xsd;
  TempDir dir;
  auto suites = junit_surefire_suites(sample_run());
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(suites[0].first, "get-user");
  EXPECT_EQ(suites[1].first, "create-op");
  for (std::size_t i = 0; i < suites.size(); ++i) {
    fs::path file = dir.path() / ("TEST-" + std::to_string(i) + ".xml");
    std::error_code ec;
    write_file_atomic(file, suites[i].second, ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(xmllint(xsd, file), "") << suites[i].first;
  }
}

TEST(JunitWriter, SuitesExtractedFromWholeReportValidateAgainstSurefire) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed";
  fs::path xsd = schema_dir / "surefire-test-report-3.0.xsd";
  if (!fs::exists(xsd)) GTEST_SKIP() << "schema missing: " << xsd;
  junit_options opts;
  opts.host_and_time = false;
  std::string xml = junit_xml(sample_run(), opts);
  TempDir dir;
  std::size_t found = 0;
  for (std::size_t pos = 0; (pos = xml.find("<testsuite ", pos)) != std::string::npos; ++found) {
    std::size_t end = xml.find("</testsuite>", pos) + std::string_view("</testsuite>").size();
    fs::path file = dir.path() / ("suite-" + std::to_string(found) + ".xml");
    std::error_code ec;
    write_file_atomic(file, xml.substr(pos, end - pos), ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(xmllint(xsd, file), "");
    pos = end;
  }
  EXPECT_EQ(found, 2u);
}

TEST(JunitWriter, EmptyRunIsValid) {
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed";
  TempDir dir;
  std::error_code ec;
  write_file_atomic(dir.path() / "empty.xml", junit_xml(run_result{}), ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(xmllint(schema_dir / "jenkins-junit-10.xsd", dir.path() / "empty.xml"), "");
}

TEST(JunitWriter, EscapesControlBytesAndInvalidUtf8) {
  std::string xml = junit_xml(sample_run(), {"host", "2026-01-02T03:04:05Z"});
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  EXPECT_EQ(valid_utf8(xml), xml) << "output must be valid UTF-8";
  EXPECT_NE(xml.find("\xEF\xBF\xBD"), std::string::npos) << "invalid bytes become U+FFFD";
  EXPECT_NE(xml.find("&quot;quotes&quot; &apos;apos&apos; &lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(xml.find("]]]]><![CDATA[>"), std::string::npos);
}

TEST(JunitWriter, SuitesCountsAndFailureText) {
  std::string xml = junit_xml(sample_run(), {"build-host", "2026-01-02T03:04:05Z"});
  EXPECT_NE(xml.find("<testsuites name=\"conform\" tests=\"4\" failures=\"1\" errors=\"1\" time=\"1.500\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"get-user\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" "
                     "time=\"0.025\" timestamp=\"2026-01-02T03:04:05Z\" hostname=\"build-host\" "
                     "file=\"api/user-get.md\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"create-op\" tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"1\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testcase name=\"get-user/get_user\" classname=\"get-user\" time=\"0.012\">"),
            std::string::npos);
  EXPECT_NE(
      xml.find("<failure type=\"property-type\" message=\"/resultInfo/code should be Int32 (number), got "
               "string (+1 more)\">"),
      std::string::npos);
  // Both failed checks, with pointer, expected, actual and doc location.
  EXPECT_NE(xml.find("[property-type] /resultInfo/code"), std::string::npos);
  EXPECT_NE(xml.find("[enum] /status"), std::string::npos);
  EXPECT_NE(xml.find("expected: Int32"), std::string::npos);
  EXPECT_NE(xml.find("doc:      api/user-get.md:90"), std::string::npos);
  EXPECT_NE(xml.find("<error type=\"connect\" message=\"connection refused"), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"not runnable: "), std::string::npos);
  EXPECT_NE(xml.find("attempts: 2 (passed after retry)"), std::string::npos);
  EXPECT_NE(xml.find("substituted: {id} = 1"), std::string::npos);
  // Properties come before the test cases (Surefire order), once per document: in its first suite only.
  EXPECT_LT(xml.find("<properties>"), xml.find("<testcase"));
  EXPECT_NE(xml.find("<property name=\"target\" value=\"http://127.0.0.1:8080\"/>"), std::string::npos);
  EXPECT_EQ(xml.find("<properties>"), xml.rfind("<properties>")) << xml;
  // A suite whose cases come from several files (or none) names none.
  EXPECT_NE(xml.find("hostname=\"build-host\">\n    <testcase name=\"create-op/create\""), std::string::npos)
      << xml;
  // Each Surefire file is a report of its own: properties in every one, and no `file` (its schema has none).
  for (const auto& [page, doc] : junit_surefire_suites(sample_run())) {
    EXPECT_NE(doc.find("<property name=\"target\""), std::string::npos) << page;
    EXPECT_EQ(doc.find(" file="), std::string::npos) << page;
  }
}

TEST(XmlText, CdataSplitsTerminator) {
  EXPECT_EQ(xml_cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
  EXPECT_EQ(xml_cdata("]]>]]>"), "<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>");
  EXPECT_EQ(xml_cdata(""), "<![CDATA[]]>");
}

TEST(XmlText, CleanKeepsValidText) {
  EXPECT_EQ(xml_clean("a\tb\nc\rd"), "a\tb\nc\rd");
  EXPECT_EQ(xml_clean("x\x01y\x1f\x7fz"), "xy\x7fz");
  EXPECT_EQ(xml_clean("caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_EQ(xml_clean("\xef\xbf\xbe"), "");  // U+FFFE is not an XML character
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(valid_utf8("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
  EXPECT_EQ(xml_escape_attribute("a\"b\nc"), "a&quot;b&#10;c");
}

TEST(AtomicWrite, ReplacesExistingFileAndLeavesNoTemp) {
  TempDir dir;
  fs::path target = dir.path() / "nested" / "deeper" / "report.xml";
  std::error_code ec;
  write_file_atomic(target, "first", ec);
  ASSERT_FALSE(ec) << ec.message();
  write_file_atomic(target, "second version", ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(read_file(target), "second version");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(target.parent_path())) ++entries;
  EXPECT_EQ(entries, 1u) << "temporary file left behind";
}

TEST(AtomicWrite, ReportsErrorAndKeepsOldFile) {
  TempDir dir;
  fs::path blocker = dir.path() / "file";
  std::error_code ec;
  write_file_atomic(blocker, "keep", ec);
  ASSERT_FALSE(ec);
  write_file_atomic(blocker / "child.xml", "x", ec);  // parent is a regular file
  EXPECT_TRUE(ec);
  EXPECT_EQ(read_file(blocker), "keep");
}

TEST(JsonReport, ParsesBackWithCounts) {
  std::string text = json_report(sample_run());
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  ASSERT_FALSE(ec) << ec.message();
  const auto& summary = v.at("summary");
  EXPECT_EQ(summary.at("total").to_number<int>(), 4);
  EXPECT_EQ(summary.at("passed").to_number<int>(), 1);
  EXPECT_EQ(summary.at("failed").to_number<int>(), 1);
  EXPECT_EQ(summary.at("errors").to_number<int>(), 1);
  EXPECT_EQ(summary.at("skipped").to_number<int>(), 1);
  const auto& cases = v.at("cases").as_array();
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases[1].at("outcome").as_string(), "failed");
  EXPECT_EQ(cases[1].at("checks").as_array()[1].at("pointer").as_string(), "/resultInfo/code");
  EXPECT_EQ(cases[2].at("error").at("stage").as_string(), "connect");
  EXPECT_EQ(v.at("properties").as_array()[0].at("name").as_string(), "target");
  EXPECT_EQ(valid_utf8(text), text);
}

TEST(ConsoleReporter, PlainModeEndsWithSummaryLine) {
  auto run = sample_run();
  std::ostringstream out;
  console_reporter r(out, false, false);
  for (std::size_t i = 0; i < run.cases.size(); ++i) r.on_case(run.cases[i], i + 1, run.cases.size());
  r.finish(run);
  std::string text = out.str();
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "server text must not reach the terminal raw";
  const std::string last = "1 passed, 1 failed, 1 errors, 1 skipped\n";
  ASSERT_GE(text.size(), last.size());
  EXPECT_EQ(text.substr(text.size() - last.size()), last);
  EXPECT_NE(text.find("\nRan 4 cases in 1.500s\n"), std::string::npos);
  // Failure details: fixture id, doc location, check id, pointer, expected, actual.
  EXPECT_NE(text.find("FAIL get-user/get_user_select (api/user-get.md:90)"), std::string::npos) << text;
  EXPECT_NE(text.find("[property-type] /resultInfo/code:"), std::string::npos);
  EXPECT_NE(text.find("expected: Int32"), std::string::npos);
  EXPECT_NE(text.find("actual:   \"200\""), std::string::npos);
  EXPECT_NE(text.find("connect: connection refused"), std::string::npos);
}

TEST(ConsoleReporter, FailuresAreListedAgainAboveTheTotalsAtMostAHundred) {
  run_result run;
  for (int i = 0; i < 130; ++i) {
    case_result c;
    c.fixture_id = "page/case-" + std::to_string(i);
    c.file = "api/page.md";
    c.line = static_cast<std::size_t>(10 + i);
    c.outcome = verdict::failed;
    c.checks.push_back(
        {check_id::status, check_outcome::failed, "", "200", "500", "expected status 200, got 500"});
    run.cases.push_back(std::move(c));
  }
  case_result ok;
  ok.fixture_id = "page/fine";
  run.cases.push_back(ok);
  std::ostringstream out;
  console_reporter r(out, false, false);
  r.finish(run);
  const std::string text = out.str();
  const std::size_t list = text.find("Failures and errors (130):\n");
  ASSERT_NE(list, std::string::npos) << text;
  EXPECT_NE(text.find("  FAIL page/case-0 (api/page.md:10): [status] expected status 200, got 500\n"),
            std::string::npos);
  EXPECT_NE(text.find("page/case-99 "), std::string::npos);
  EXPECT_EQ(text.find("page/case-100 "), std::string::npos);
  EXPECT_NE(text.find("  ... and 30 more (all of them are in the reports)\n"), std::string::npos);
  EXPECT_EQ(text.find("page/fine"), std::string::npos);
  EXPECT_LT(list, text.find("Ran 131 cases"));

  std::ostringstream clean;
  console_reporter quiet(clean, false, false);
  quiet.finish(run_result{{ok}, {}, "", 0.0});
  EXPECT_EQ(clean.str().find("Failures"), std::string::npos);
}

TEST(ConsoleReporter, TerminalModeRewritesProgressLine) {
  auto run = sample_run();
  std::ostringstream out;
  console_reporter r(out, true, false);
  for (std::size_t i = 0; i < run.cases.size(); ++i) r.on_case(run.cases[i], i + 1, run.cases.size());
  r.finish(run);
  std::string text = out.str();
  EXPECT_NE(text.find("\r\x1b[K[4/4] 1 passed, 1 failed, 1 errors, 1 skipped"), std::string::npos);
  EXPECT_EQ(text.find("PASS get-user/get_user"), std::string::npos) << "passes are quiet unless verbose";
  std::size_t last_nl = text.rfind('\n', text.size() - 2);
  EXPECT_EQ(text.substr(last_nl + 1), "1 passed, 1 failed, 1 errors, 1 skipped\n");
}

TEST(ConsoleReporter, SummaryLineFormat) {
  EXPECT_EQ(summary_line({3, 2, 1, 0}), "3 passed, 2 failed, 1 errors, 0 skipped");
}

}  // namespace
}  // namespace conform::report

namespace conform::report {
namespace {

// Remembers what had been written at the last flush: a CI log (stdout on a pipe, block-buffered) sees a line
// only once it is flushed.
class flush_recorder : public std::stringbuf {
 public:
  std::string flushed;

 protected:
  int sync() override {
    flushed = str();
    return 0;
  }
};

TEST(ConsoleReporter, PlainModeFlushesEveryLine) {
  auto run = sample_run();
  flush_recorder buf;
  std::ostream out(&buf);
  console_reporter r(out, false, false);
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    r.on_case(run.cases[i], i + 1, run.cases.size());
    EXPECT_EQ(buf.flushed, buf.str()) << "case " << i + 1 << " is not in the log yet";
  }
}

TEST(ConsoleReporter, InterruptedRunSaysSoBeforeTheSummary) {
  auto run = sample_run();
  run.properties.emplace_back("interrupted", "SIGTERM after 3 of 4 cases");
  std::ostringstream out;
  console_reporter r(out, false, false);
  r.finish(run);
  EXPECT_EQ(out.str().find("Interrupted: SIGTERM after 3 of 4 cases; cases without a verdict are skipped\n"),
            0u)
      << out.str();
}

TEST(ConsoleReporter, ProgressLineShowsElapsedTimeAndAnEstimate) {
  auto run = sample_run();
  std::ostringstream out;
  double now = 0;
  console_style style;
  style.elapsed = [&now] { return now; };
  console_reporter r(out, true, false, style);
  now = 10;
  r.on_case(run.cases[0], 1, 4);
  EXPECT_NE(out.str().find("[1/4] 1 passed, 0 failed, 0 errors, 0 skipped | 10.0s elapsed, ~30.0s left"),
            std::string::npos)
      << out.str();
  now = 150;
  r.on_case(run.cases[3], 2, 4);
  EXPECT_NE(out.str().find("| 2m30s elapsed, ~2m30s left"), std::string::npos) << out.str();
  now = 4000;
  r.on_case(run.cases[3], 4, 4);
  EXPECT_NE(out.str().find("| 1h06m elapsed"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("1h06m elapsed, ~"), std::string::npos) << "no estimate once all are done";
  EXPECT_EQ(out.str().find("\x1b[3"), std::string::npos) << "no colour unless asked";
}

TEST(ConsoleReporter, ColourOnlyWhenAskedAndOnlyOnTheOutcomeWords) {
  auto run = sample_run();
  std::ostringstream plain, coloured;
  console_reporter p(plain, false, false);
  console_style style;
  style.colour = true;
  console_reporter c(coloured, false, false, style);
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    p.on_case(run.cases[i], i + 1, run.cases.size());
    c.on_case(run.cases[i], i + 1, run.cases.size());
  }
  p.finish(run);
  c.finish(run);
  EXPECT_EQ(plain.str().find('\x1b'), std::string::npos);
  EXPECT_NE(coloured.str().find("\x1b[1;31mFAIL\x1b[0m get-user/get_user_select"), std::string::npos)
      << coloured.str();
  EXPECT_NE(coloured.str().find("\x1b[1;35mERROR\x1b[0m create-op/create"), std::string::npos);
  EXPECT_NE(coloured.str().find("\x1b[32mPASS\x1b[0m get-user/get_user"), std::string::npos);
  // Server text stays cleaned: the hostile ESC in a message is not passed through.
  EXPECT_EQ(coloured.str().find("esc\x1b[31m"), std::string::npos);
}

TEST(HtmlReport, EscapesEverythingAndFetchesNothing) {
  auto run = sample_run();
  run.cases[1].response = message_excerpt{500,
                                          "Oops",
                                          "",
                                          "",
                                          {{"X-Evil", "<img src=x onerror=alert(1)>"}},
                                          "</pre><script>alert('body')</script>",
                                          false,
                                          38};
  run.cases[1].curl = "curl -i 'http://h/x?a=<b>'";
  run.cases[0].fixture_id = "get-user/<script>id</script>";
  run.cases[0].file = "/docs/a b\"<x>.md";
  const std::string html = html_report(run, {"/work"});
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<script>id"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;/pre&gt;&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("href=\"file:///docs/a%20b%22%3Cx%3E.md\""), std::string::npos) << "a file: URL";
  EXPECT_NE(html.find("href=\"file:///work/api/create-op.md\""), std::string::npos) << "relative to doc_root";
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
  // Exactly one script and one style, both inline; nothing is fetched.
  EXPECT_EQ(html.find("<script"), html.rfind("<script"));
  EXPECT_EQ(html.find("<script>"), html.rfind("<script"));
  for (std::size_t at = 0; (at = html.find('<', at)) != std::string::npos; ++at) {
    const std::string tag = html.substr(at, html.find('>', at) - at);
    EXPECT_EQ(tag.find("src="), std::string::npos) << "a tag that fetches: " << tag;
    EXPECT_EQ(tag.find(" on"), std::string::npos) << "an event handler: " << tag;
  }
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("http://127.0.0.1:8080/v1.0/users/1\""), std::string::npos)
      << "server URLs are not links";
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  // Each outcome has its own class.
  for (const char* cls : {"o-passed", "o-failed", "o-error", "o-skipped"})
    EXPECT_NE(html.find(std::string("class=\"case ") + cls), std::string::npos) << cls;
  EXPECT_NE(html.find("data-total=\"4\""), std::string::npos);
}

TEST(HtmlReport, EmptyRunIsAPage) {
  const std::string html = html_report(run_result{});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>\n"), std::string::npos);
  EXPECT_NE(html.find("0 of 0 cases shown"), std::string::npos);
}

}  // namespace
}  // namespace conform::report
