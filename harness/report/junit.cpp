#include "report/report.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <string>

#include <unistd.h>

namespace conform::report {

namespace {

// Surefire's time pattern allows at most three decimals.
std::string seconds3(double s) {
  if (!std::isfinite(s) || s < 0) s = 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string short_text(std::string s, std::size_t limit = 200) {
  if (s.size() <= limit) return s;
  while (limit > 0 && (static_cast<unsigned char>(s[limit]) & 0xC0) == 0x80) --limit;
  s.resize(limit);
  return s + "...";
}

std::string doc_location(const case_result& c) {
  if (c.file.empty()) return "";
  return c.line ? c.file + ":" + std::to_string(c.line) : c.file;
}

struct suite {
  std::string name;
  std::vector<const case_result*> cases;
  run_summary counts;
  double seconds = 0;
};

std::vector<suite> group_by_page(const run_result& run) {
  std::vector<suite> suites;
  for (const auto& c : run.cases) {
    std::string name = c.page.empty() ? "conform" : c.page;
    suite* s = nullptr;
    for (auto& x : suites)
      if (x.name == name) s = &x;
    if (s == nullptr) s = &suites.emplace_back(suite{name, {}, {}, 0});
    s->cases.push_back(&c);
    s->seconds += c.seconds;
    switch (c.outcome) {
      case verdict::passed:
      case verdict::inconclusive:  // a pass in JUnit, with the note in <system-out> and a property
        ++s->counts.passed;
        break;
      case verdict::failed:
        ++s->counts.failed;
        break;
      case verdict::error:
        ++s->counts.errors;
        break;
      case verdict::skipped:
      case verdict::waived:  // a <skipped> element: consumers count it as skipped
        ++s->counts.skipped;
        break;
    }
  }
  return suites;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_escape_attribute(value) + "\"";
}

std::string failure_text(const case_result& c) {
  std::string text = "fixture " + c.fixture_id;
  if (auto loc = doc_location(c); !loc.empty()) text += " (" + loc + ")";
  if (!c.method.empty()) text += "\n" + c.method + " " + c.url;
  text += "\n";
  for (const auto& k : c.checks) {
    if (k.outcome != check_outcome::failed) continue;
    text += "\n[" + std::string(to_string(k.check)) + "] " + (k.pointer.empty() ? "(response)" : k.pointer) +
            ": " + k.message + "\n";
    text += "  expected: " + k.expected + "\n";
    text += "  actual:   " + k.actual + "\n";
    if (!k.contract.empty()) text += "  contract: " + k.contract + "\n";
    if (auto loc = doc_location(c); !loc.empty()) text += "  doc:      " + loc + "\n";
  }
  return text;
}

// "404 Not Found", the headers, a blank line, the body excerpt and, when it was cut, how much of it shows.
std::string response_text(const message_excerpt& r) {
  std::string text = "  " + std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason) + "\n";
  for (const header& h : r.headers) text += "  " + h.name + ": " + h.value + "\n";
  if (!r.body.empty()) text += "\n" + r.body + (r.body.back() == '\n' ? "" : "\n");
  if (r.truncated)
    text += "  (body cut: first " + std::to_string(r.body.size()) + " of " + std::to_string(r.body_bytes) +
            " bytes)\n";
  return text;
}

std::string system_out(const case_result& c) {
  std::string text;
  if (c.outcome == verdict::inconclusive) text += "inconclusive: " + c.inconclusive_reason + "\n";
  for (const auto& s : c.substitutions) text += "substituted: " + s + "\n";
  for (const auto& n : c.notes) text += "note: " + n + "\n";
  for (const auto& k : c.checks)
    if (k.outcome == check_outcome::note)
      text += "note [" + std::string(to_string(k.check)) + "] " +
              (k.pointer.empty() ? "" : k.pointer + ": ") + k.message + "\n";
  if (c.attempts > 1)
    text += "attempts: " + std::to_string(c.attempts) +
            (c.passed_after_retry ? " (passed after retry)" : "") + "\n";
  for (std::size_t n = 0; n < c.attempts_detail.size(); ++n) {
    const attempt_record& a = c.attempts_detail[n];
    text += "run " + std::to_string(n + 1) + " of " + std::to_string(c.attempts_detail.size()) + ": " +
            std::string(to_string(a.outcome)) + (a.type.empty() ? "" : " [" + a.type + "] " + a.message) +
            "\n";
  }
  if (c.flaky) text += "flaky: passed on a rerun\n";
  if (!c.curl.empty()) text += "curl: " + c.curl + "\n";
  if (c.response) text += "response:\n" + response_text(*c.response);
  return text;
}

// Surefire 3's rerun elements (also in Jenkins' schema): <flakyFailure>/<flakyError> for the failed runs of a
// case that passed on a rerun, <rerunFailure>/<rerunError> for the reruns of one that never passed.
std::string rerun_element(std::string_view name, const attempt_record& a) {
  return "      <" + std::string(name) + attr("type", a.type.empty() ? "failed" : a.type) +
         attr("message", short_text(a.message)) + "><stackTrace>" +
         xml_cdata(a.details.empty() ? a.message : a.details) + "</stackTrace></" + std::string(name) + ">\n";
}

// The runs after the first, of one outcome, as `name` elements; for a flaky case, every run that did not
// pass.
std::string rerun_elements(const case_result& c, verdict which, std::string_view name) {
  std::string out;
  for (std::size_t n = c.flaky ? 0 : 1; n < c.attempts_detail.size(); ++n)
    if (c.attempts_detail[n].outcome == which) out += rerun_element(name, c.attempts_detail[n]);
  return out;
}

void write_case(std::string& out, const case_result& c) {
  out += "    <testcase" + attr("name", c.fixture_id) +
         attr("classname", c.page.empty() ? "conform" : c.page) + attr("time", seconds3(c.seconds));
  std::string body;
  // Surefire's sequence: failure*, rerunFailure*, flakyFailure*, skipped?, error?, rerunError*, flakyError*,
  // system-out?; one of failure, skipped and error per case.
  const bool flaky = c.flaky && c.outcome == verdict::passed;
  const std::string rerun_failures = flaky ? "" : rerun_elements(c, verdict::failed, "rerunFailure");
  const std::string rerun_errors = flaky ? "" : rerun_elements(c, verdict::error, "rerunError");
  const std::string flaky_failures = flaky ? rerun_elements(c, verdict::failed, "flakyFailure") : "";
  const std::string flaky_errors = flaky ? rerun_elements(c, verdict::error, "flakyError") : "";
  if (c.outcome == verdict::failed) {
    const check_result* first = c.first_failure();
    std::size_t n = 0;
    for (const auto& k : c.checks) n += k.outcome == check_outcome::failed;
    std::string type = first ? std::string(to_string(first->check)) : "failed";
    std::string message = first ? short_text(first->message) : "case failed";
    if (n > 1) message += " (+" + std::to_string(n - 1) + " more)";
    body += "      <failure" + attr("type", type) + attr("message", message) + ">" +
            xml_cdata(failure_text(c)) + "</failure>\n";
  }
  body += rerun_failures + flaky_failures;
  if (c.outcome == verdict::waived) {
    // A known failure: skipped for CI, with what failed and the waiver in the message.
    std::string why =
        c.waived_by
            ? c.waived_by->reason + (c.waived_by->until.empty() ? "" : " (until " + c.waived_by->until + ")")
            : "";
    std::string text = c.error ? "fixture " + c.fixture_id + "\n" + std::string(stage_name(c.error)) + ": " +
                                     c.error_message + "\n"
                               : failure_text(c);
    body += "      <skipped" + attr("message", "waived: " + why) + ">" + xml_cdata(text) + "</skipped>\n";
  } else if (c.outcome == verdict::skipped) {
    body += "      <skipped" + attr("message", c.skip_reason) + "/>\n";
  } else if (c.outcome == verdict::error) {
    std::string text = "fixture " + c.fixture_id;
    if (auto loc = doc_location(c); !loc.empty()) text += " (" + loc + ")";
    text += "\n" + std::string(stage_name(c.error)) + ": " + c.error_message + "\n";
    body += "      <error" + attr("type", stage_name(c.error)) +
            attr("message", short_text(c.error_message)) + ">" + xml_cdata(text) + "</error>\n";
  }
  body += rerun_errors + flaky_errors;
  if (auto so = system_out(c); !so.empty()) body += "      <system-out>" + xml_cdata(so) + "</system-out>\n";
  if (body.empty()) {
    out += "/>\n";
  } else {
    out += ">\n" + body + "    </testcase>\n";
  }
}

// The doc page a suite's cases come from, when they all come from one ("" otherwise).
std::string file_of(const suite& s) {
  std::string file;
  for (const case_result* c : s.cases) {
    if (c->file.empty() || (!file.empty() && c->file != file)) return "";
    file = c->file;
  }
  return file;
}

// `host_and_time`: the Jenkins document, which may say timestamp, hostname and the suite's `file` (GitLab and
// Jenkins link it); the Surefire schema rejects all three (and has no file or line on <testcase>, nor has
// Jenkins'). `properties`: the run's properties, written once per document: in the first suite of a
// <testsuites> document, in every Surefire file (each is a report of its own).
void write_suite(std::string& out, const suite& s, const run_result& run, bool host_and_time,
                 const std::string& hostname, const std::string& timestamp, bool properties = true) {
  out += "  <testsuite" + attr("name", s.name) + attr("tests", std::to_string(s.cases.size())) +
         attr("failures", std::to_string(s.counts.failed)) + attr("errors", std::to_string(s.counts.errors)) +
         attr("skipped", std::to_string(s.counts.skipped)) + attr("time", seconds3(s.seconds));
  if (host_and_time) {
    out += attr("timestamp", timestamp) + attr("hostname", hostname);
    if (std::string file = file_of(s); !file.empty()) out += attr("file", file);
  }
  out += ">\n";
  // Surefire requires properties before the test cases.
  if (properties) {
    out += "    <properties>\n";
    for (const auto& [name, value] : run.properties)
      out += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
    out += "    </properties>\n";
  }
  for (const case_result* c : s.cases) write_case(out, *c);
  out += "  </testsuite>\n";
}

constexpr std::string_view xml_decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

}  // namespace

std::string junit_xml(const run_result& run, const junit_options& opts) {
  std::string hostname = opts.hostname.empty() ? host_name() : opts.hostname;
  std::string timestamp = !opts.timestamp.empty()   ? opts.timestamp
                          : !run.started_at.empty() ? run.started_at
                                                    : utc_now();
  run_summary total = run.summary();
  double seconds = run.seconds;
  if (seconds <= 0)
    for (const auto& c : run.cases) seconds += c.seconds;
  std::string out(xml_decl);
  // The Jenkins schema allows no `skipped` on <testsuites>; each <testsuite> carries its own.
  out += "<testsuites" + attr("name", "conform") + attr("tests", std::to_string(run.cases.size())) +
         attr("failures", std::to_string(total.failed)) + attr("errors", std::to_string(total.errors)) +
         attr("time", seconds3(seconds)) + ">\n";
  bool first = true;
  for (const auto& s : group_by_page(run)) {
    write_suite(out, s, run, opts.host_and_time, hostname, timestamp, first);
    first = false;
  }
  out += "</testsuites>\n";
  return out;
}

std::vector<std::string> surefire_file_names(const std::vector<std::string>& pages) {
  auto folded = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::set<std::string> taken;  // case-folded
  std::vector<std::string> names;
  names.reserve(pages.size());
  for (const std::string& page : pages) {
    // Room for "TEST-", a suffix and ".xml" within NAME_MAX (255 bytes).
    std::string safe;
    for (char c : page.substr(0, 200))
      safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
    if (safe.empty()) safe = "unnamed";
    std::string name = safe;
    for (int n = 2; taken.count(folded(name)) != 0; ++n) name = safe + "-" + std::to_string(n);
    taken.insert(folded(name));
    names.push_back("TEST-" + name + ".xml");
  }
  return names;
}

std::vector<std::pair<std::string, std::string>> junit_surefire_suites(const run_result& run) {
  std::vector<std::pair<std::string, std::string>> docs;
  for (const auto& s : group_by_page(run)) {
    std::string out(xml_decl);
    write_suite(out, s, run, false, "", "");
    docs.emplace_back(s.name, std::move(out));
  }
  return docs;
}

}  // namespace conform::report
