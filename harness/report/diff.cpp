#include "report/diff.hpp"

#include "report/report.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace conform::report {

namespace json = boost::json;

namespace {

std::string message_of(const case_result& c) {
  if (c.outcome == verdict::error || (c.outcome == verdict::waived && c.error)) return c.error_message;
  if (const check_result* k = c.first_failure())
    return "[" + std::string(to_string(k->check)) + "] " + k->message;
  return "";
}

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::vector<reported_case> read_json_report(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) throw std::invalid_argument("not JSON: " + ec.message());
  const json::value* cases = doc.is_object() ? doc.get_object().if_contains("cases") : nullptr;
  if (cases == nullptr || !cases->is_array())
    throw std::invalid_argument("not a conform JSON report (no \"cases\" array)");
  std::vector<reported_case> out;
  for (const json::value& v : cases->get_array()) {
    if (!v.is_object()) throw std::invalid_argument("not a conform JSON report (a case is not an object)");
    const json::object& o = v.get_object();
    reported_case c{string_at(o, "id"), string_at(o, "outcome"), ""};
    if (c.id.empty() || c.outcome.empty())
      throw std::invalid_argument("not a conform JSON report (a case without \"id\" or \"outcome\")");
    if (const json::value* e = o.if_contains("error"); e != nullptr && e->is_object()) {
      c.message = string_at(e->get_object(), "message");
    } else if (const json::value* checks = o.if_contains("checks"); checks != nullptr && checks->is_array()) {
      for (const json::value& k : checks->get_array())
        if (k.is_object() && string_at(k.get_object(), "outcome") == "failed") {
          c.message = "[" + string_at(k.get_object(), "check") + "] " + string_at(k.get_object(), "message");
          break;
        }
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<reported_case> reported_cases(const run_result& run) {
  std::vector<reported_case> out;
  out.reserve(run.cases.size());
  for (const case_result& c : run.cases)
    out.push_back({c.fixture_id, std::string(to_string(c.outcome)), message_of(c)});
  return out;
}

report_diff diff_reports(const std::vector<reported_case>& old_cases,
                         const std::vector<reported_case>& new_cases) {
  std::unordered_map<std::string_view, const reported_case*> old_by_id, new_by_id;
  for (const reported_case& c : old_cases) old_by_id.emplace(c.id, &c);
  for (const reported_case& c : new_cases) new_by_id.emplace(c.id, &c);
  report_diff d;
  for (const reported_case& now : new_cases) {
    auto it = old_by_id.find(now.id);
    const reported_case* before = it == old_by_id.end() ? nullptr : it->second;
    case_change change{now.id, before ? before->outcome : "", now.outcome, now.message};
    if (before == nullptr) d.added.push_back(change);
    if (now.failing() && (before == nullptr || !before->failing())) {
      d.new_failures.push_back(change);
    } else if (now.failing()) {
      d.still_failing.push_back(change);
    } else if (before != nullptr && before->failing() && now.outcome == "passed") {
      change.message = before->message;
      d.fixed.push_back(change);
    }
  }
  for (const reported_case& before : old_cases)
    if (new_by_id.find(before.id) == new_by_id.end())
      d.removed.push_back({before.id, before.outcome, "", before.message});
  return d;
}

namespace {

struct section {
  const char* title;
  const char* key;
  const std::vector<case_change>* list;
};

std::vector<section> sections(const report_diff& d) {
  return {{"New failures", "new_failures", &d.new_failures},
          {"Fixed", "fixed", &d.fixed},
          {"Still failing", "still_failing", &d.still_failing},
          {"New fixtures", "added", &d.added},
          {"Removed fixtures", "removed", &d.removed}};
}

// Report text is server-controlled: one line each, no control characters.
std::string one_line(std::string_view s) {
  std::string out;
  for (char c : xml_clean(s)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return out;
}

}  // namespace

std::string diff_text(const report_diff& d) {
  std::string out;
  for (const section& s : sections(d)) {
    if (s.list->empty()) continue;
    out += std::string(s.title) + " (" + std::to_string(s.list->size()) + "):\n";
    for (const case_change& c : *s.list) {
      out += "  " + one_line(c.id) + "  " + (c.old_outcome.empty() ? "-" : c.old_outcome) + " -> " +
             (c.new_outcome.empty() ? "-" : c.new_outcome);
      if (!c.message.empty()) out += ": " + one_line(c.message);
      out += "\n";
    }
  }
  out += std::to_string(d.new_failures.size()) + " new failures, " + std::to_string(d.fixed.size()) +
         " fixed, " + std::to_string(d.still_failing.size()) + " still failing, " +
         std::to_string(d.added.size()) + " new, " + std::to_string(d.removed.size()) + " removed\n";
  return out;
}

std::string diff_json(const report_diff& d) {
  json::object root, summary;
  for (const section& s : sections(d)) summary[s.key] = s.list->size();
  root["summary"] = std::move(summary);
  for (const section& s : sections(d)) {
    json::array list;
    for (const case_change& c : *s.list) {
      json::object o{{"id", valid_utf8(c.id)}};
      o["old"] = c.old_outcome.empty() ? json::value(nullptr) : json::value(c.old_outcome);
      o["new"] = c.new_outcome.empty() ? json::value(nullptr) : json::value(c.new_outcome);
      o["message"] = valid_utf8(c.message);
      list.push_back(std::move(o));
    }
    root[s.key] = std::move(list);
  }
  return json::serialize(root) + "\n";
}

namespace {

[[noreturn]] void not_a_report(const std::string& why) {
  throw std::invalid_argument("not a conform JSON report (" + why + ")");
}

double number_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_number() ? v->to_number<double>() : 0.0;
}

std::size_t count_at(const json::object& o, std::string_view key) {
  const double d = number_at(o, key);
  return d > 0 ? static_cast<std::size_t>(d) : 0;
}

bool bool_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

const json::array* array_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

verdict verdict_of(const std::string& s) {
  for (verdict v : {verdict::passed, verdict::failed, verdict::error, verdict::skipped, verdict::waived,
                    verdict::inconclusive})
    if (s == to_string(v)) return v;
  not_a_report("unknown outcome \"" + s + "\"");
}

check_id check_of(const std::string& s) {
  for (int c = 0; c <= static_cast<int>(check_id::unexpected_property); ++c)
    if (s == to_string(static_cast<check_id>(c))) return static_cast<check_id>(c);
  not_a_report("unknown check \"" + s + "\"");
}

check_outcome check_outcome_of(const std::string& s) {
  for (check_outcome o :
       {check_outcome::passed, check_outcome::failed, check_outcome::skipped, check_outcome::note})
    if (s == to_string(o)) return o;
  not_a_report("unknown check outcome \"" + s + "\"");
}

std::error_code stage_of(const std::string& s) {
  for (int e = static_cast<int>(run_error::url); e <= static_cast<int>(run_error::placeholder); ++e)
    if (s == stage_name(static_cast<run_error>(e))) return static_cast<run_error>(e);
  return {};
}

std::vector<std::string> strings_at(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const json::array* a = array_at(o, key))
    for (const json::value& v : *a)
      if (v.is_string()) out.emplace_back(v.get_string());
  return out;
}

message_excerpt excerpt_of(const json::object& o) {
  message_excerpt e;
  e.status = static_cast<int>(number_at(o, "status"));
  e.reason = string_at(o, "reason");
  if (const json::array* headers = array_at(o, "headers"))
    for (const json::value& h : *headers)
      if (h.is_object())
        e.headers.push_back({string_at(h.get_object(), "name"), string_at(h.get_object(), "value")});
  e.body = string_at(o, "body");
  e.truncated = bool_at(o, "truncated");
  e.body_bytes = count_at(o, "body_bytes");
  return e;
}

case_result case_of(const json::object& o) {
  case_result c;
  c.fixture_id = string_at(o, "id");
  if (c.fixture_id.empty()) not_a_report("a case without \"id\"");
  c.page = string_at(o, "page");
  c.file = string_at(o, "file");
  c.line = count_at(o, "line");
  c.position = count_at(o, "position");
  c.method = string_at(o, "method");
  c.url = string_at(o, "url");
  c.outcome = verdict_of(string_at(o, "outcome"));
  c.status = static_cast<int>(number_at(o, "status"));
  c.seconds = number_at(o, "seconds");
  c.attempts = static_cast<int>(number_at(o, "attempts"));
  c.passed_after_retry = bool_at(o, "passed_after_retry");
  c.flaky = bool_at(o, "flaky");
  if (const json::array* runs = array_at(o, "attempts_detail"))
    for (const json::value& v : *runs) {
      if (!v.is_object()) continue;
      const json::object& r = v.get_object();
      c.attempts_detail.push_back({verdict_of(string_at(r, "outcome")),
                                   static_cast<int>(number_at(r, "status")), number_at(r, "seconds"),
                                   string_at(r, "type"), string_at(r, "message"), ""});
    }
  if (const json::object* e = object_at(o, "error")) {
    c.error = stage_of(string_at(*e, "stage"));
    c.error_message = string_at(*e, "message");
    c.cause_text = string_at(*e, "cause");
  }
  c.skip_reason = string_at(o, "skip_reason");
  c.inconclusive_reason = string_at(o, "inconclusive_reason");
  if (const json::object* w = object_at(o, "waiver"))
    c.waived_by = waiver{string_at(*w, "fixture"), string_at(*w, "check"), string_at(*w, "reason"),
                         string_at(*w, "until")};
  c.passed_checks = count_at(o, "passed_checks");
  c.substitutions = strings_at(o, "substitutions");
  c.notes = strings_at(o, "notes");
  if (const json::array* checks = array_at(o, "checks"))
    for (const json::value& v : *checks) {
      if (!v.is_object()) continue;
      const json::object& k = v.get_object();
      c.checks.push_back({check_of(string_at(k, "check")), check_outcome_of(string_at(k, "outcome")),
                          string_at(k, "pointer"), string_at(k, "expected"), string_at(k, "actual"),
                          string_at(k, "message"), string_at(k, "contract")});
    }
  if (const json::object* r = object_at(o, "response")) c.response = excerpt_of(*r);
  c.curl = string_at(o, "curl");
  return c;
}

}  // namespace

run_result read_run(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) throw std::invalid_argument("not JSON: " + ec.message());
  if (!doc.is_object()) not_a_report("not an object");
  const json::object& root = doc.get_object();
  const json::array* cases = array_at(root, "cases");
  if (cases == nullptr) not_a_report("no \"cases\" array");
  run_result run;
  run.started_at = string_at(root, "started_at");
  run.seconds = number_at(root, "seconds");
  if (const json::array* props = array_at(root, "properties"))
    for (const json::value& p : *props)
      if (p.is_object())
        run.properties.emplace_back(string_at(p.get_object(), "name"), string_at(p.get_object(), "value"));
  for (const json::value& v : *cases) {
    if (!v.is_object()) not_a_report("a case is not an object");
    run.cases.push_back(case_of(v.get_object()));
  }
  return run;
}

run_result merge_runs(const std::vector<run_result>& runs, const std::vector<std::string>& names) {
  run_result out;
  std::unordered_map<std::string, std::size_t> seen;  // fixture id -> report index
  for (std::size_t n = 0; n < runs.size(); ++n) {
    const run_result& r = runs[n];
    if (!r.started_at.empty() && (out.started_at.empty() || r.started_at < out.started_at))
      out.started_at = r.started_at;
    out.seconds += r.seconds;
    for (const case_result& c : r.cases) {
      auto [at, fresh] = seen.emplace(c.fixture_id, n);
      if (!fresh)
        throw std::invalid_argument("fixture " + c.fixture_id + " is in both " + names[at->second] + " and " +
                                    names[n] + " (shards of different N, or the same report twice?)");
      out.cases.push_back(c);
    }
  }
  std::stable_sort(out.cases.begin(), out.cases.end(), [](const case_result& a, const case_result& b) {
    if (a.position != b.position) return a.position < b.position;
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.fixture_id < b.fixture_id;
  });
  if (!runs.empty())
    for (const auto& p : runs.front().properties)
      if (p.first != "shard") out.properties.push_back(p);
  out.properties.emplace_back("merged", std::to_string(runs.size()) + " reports");
  return out;
}

}  // namespace conform::report
