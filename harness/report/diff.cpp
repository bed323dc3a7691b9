#include "report/diff.hpp"

#include "report/report.hpp"

#include <boost/json.hpp>

#include <stdexcept>
#include <unordered_map>

namespace conform::report {

namespace json = boost::json;

namespace {

std::string message_of(const case_result& c) {
  if (c.outcome == verdict::error || (c.outcome == verdict::waived && c.error)) return c.error_message;
  if (const check_result* k = c.first_failure()) return "[" + std::string(to_string(k->check)) + "] " + k->message;
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
  if (cases == nullptr || !cases->is_array()) throw std::invalid_argument("not a conform JSON report (no \"cases\" array)");
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

report_diff diff_reports(const std::vector<reported_case>& old_cases, const std::vector<reported_case>& new_cases) {
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
  out += std::to_string(d.new_failures.size()) + " new failures, " + std::to_string(d.fixed.size()) + " fixed, " +
         std::to_string(d.still_failing.size()) + " still failing, " + std::to_string(d.added.size()) + " new, " +
         std::to_string(d.removed.size()) + " removed\n";
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

}  // namespace conform::report
