#include "lint_format.hpp"

#include "commands.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

namespace conform::cli {

namespace json = boost::json;

namespace {

bool listed(const std::vector<std::string>& codes, const std::string& code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

std::string_view level_of(severity s) {
  return to_string(s);  // "error", "warning", "note": SARIF's level names too
}

// A path as a URI reference (RFC 3986): unreserved characters and '/' kept, the rest percent-encoded. A
// relative path stays relative, which is what code scanning wants (relative to the repository root).
std::string to_uri(std::string_view path) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (!path.empty() && path.front() == '/') out = "file://" + out;  // absolute: a file URI
  return out;
}

// A message as the baseline compares it: line numbers inside it (the contract's "user.md:42") masked, since
// an edit above a table moves them as it moves the diagnostic's own line.
std::string without_lines(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (std::size_t i = 0; i < message.size(); ++i) {
    out += message[i];
    if (message[i] == ':' && i + 1 < message.size() &&
        std::isdigit(static_cast<unsigned char>(message[i + 1]))) {
      out += '#';
      while (i + 1 < message.size() && std::isdigit(static_cast<unsigned char>(message[i + 1]))) ++i;
    }
  }
  return out;
}

// The cause a diagnostic names, for collapsing repeats on a page: digits after '/' (a JSON pointer's array
// index, "/value/3/status") and after ':' (a line, "call.md:45") masked, the rest as written.
std::string cause_of(const diagnostic& d) {
  std::string out = d.code;
  out += '\0';
  out += to_string(d.level);
  out += '\0';
  const std::string_view m = d.message;
  for (std::size_t i = 0; i < m.size(); ++i) {
    out += m[i];
    if ((m[i] == '/' || m[i] == ':') && i + 1 < m.size() &&
        std::isdigit(static_cast<unsigned char>(m[i + 1]))) {
      out += '#';
      while (i + 1 < m.size() && std::isdigit(static_cast<unsigned char>(m[i + 1]))) ++i;
    }
  }
  return out;
}

}  // namespace

std::string to_lint_text(const std::vector<diagnostic>& ds) {
  constexpr std::size_t collapse_at = 3;  // a pair reads fine; three of one cause is a pattern
  constexpr std::size_t lines_shown = 20;
  std::string out;
  std::size_t begin = 0;
  while (begin < ds.size()) {
    std::size_t end = begin;
    while (end < ds.size() && ds[end].file == ds[begin].file) ++end;
    // One page: its diagnostics by cause, each cause's in page order.
    std::map<std::string, std::vector<std::size_t>> by_cause;
    std::vector<std::string> causes(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      causes[i - begin] = cause_of(ds[i]);
      by_cause[causes[i - begin]].push_back(i);
    }
    for (std::size_t i = begin; i < end; ++i) {
      const std::vector<std::size_t>& same = by_cause[causes[i - begin]];
      const bool collapsed = same.size() >= collapse_at;
      if (collapsed && same.front() != i) continue;
      const diagnostic& d = ds[i];
      out += d.file + ":" + std::to_string(d.line) + ": " + std::string(to_string(d.level)) + ": " + d.code +
             ": " + d.message + "\n";
      if (!collapsed) continue;
      out += "    ...and " + std::to_string(same.size() - 1) + " more like this on line" +
             (same.size() > 2 ? "s " : " ");
      for (std::size_t k = 1; k < same.size() && k <= lines_shown; ++k)
        out += (k > 1 ? ", " : "") + std::to_string(ds[same[k]].line);
      if (same.size() - 1 > lines_shown) out += ", ...";
      out += " (--format json lists each)\n";
    }
    begin = end;
  }
  return out;
}

void select_diagnostics(std::vector<diagnostic>& ds, const lint_selection& sel) {
  std::erase_if(ds, [&](const diagnostic& d) { return listed(sel.ignore, d.code); });
  for (diagnostic& d : ds) {
    if (listed(sel.error, d.code))
      d.level = severity::error;
    else if (listed(sel.warning, d.code))
      d.level = severity::warning;
  }
}

lint_baseline read_baseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error("--baseline: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  const json::array* items = nullptr;
  if (!ec && doc.is_object())
    if (const json::value* d = doc.get_object().if_contains("diagnostics")) items = d->if_array();
  if (items == nullptr)
    throw usage_error("--baseline: " + path + " is not a `conform lint --format json` document");
  lint_baseline out;
  for (const json::value& item : *items) {
    const json::object* o = item.if_object();
    if (o == nullptr) continue;
    auto str = [o](std::string_view key) {
      const json::value* v = o->if_contains(key);
      return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    out.entries.push_back({str("file"), 0, severity::warning, str("code"), str("message")});
  }
  return out;
}

std::vector<bool> match_baseline(const std::vector<diagnostic>& ds, const lint_baseline& baseline) {
  std::map<std::tuple<std::string_view, std::string_view, std::string>, std::size_t> left;
  for (const diagnostic& b : baseline.entries) ++left[{b.file, b.code, without_lines(b.message)}];
  std::vector<bool> out(ds.size(), false);
  for (std::size_t i = 0; i < ds.size(); ++i) {
    auto it = left.find({ds[i].file, ds[i].code, without_lines(ds[i].message)});
    if (it != left.end() && it->second > 0) {
      --it->second;
      out[i] = true;
    }
  }
  return out;
}

std::string to_lint_json(const std::vector<diagnostic>& ds) {
  std::string out = "{\"diagnostics\": [";
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const diagnostic& d = ds[i];
    json::object o;
    o["file"] = d.file;
    o["line"] = d.line;
    o["column"] = 1;  // diagnostics name lines; the column is the line's start
    o["severity"] = level_of(d.level);
    o["code"] = d.code;
    o["message"] = d.message;
    out += (i ? ",\n  " : "\n  ") + json::serialize(o);
  }
  out += ds.empty() ? "]}\n" : "\n]}\n";
  return out;
}

std::string to_sarif(const std::vector<diagnostic>& ds, const std::vector<bool>& in_baseline) {
  json::array rules;
  std::map<std::string, std::size_t, std::less<>> rule_index;
  for (const diagnostic& d : ds)
    if (rule_index.emplace(d.code, rule_index.size()).second) {
      json::object r;
      r["id"] = d.code;
      r["name"] = d.code;
      r["shortDescription"] = json::object{{"text", "conform lint: " + d.code}};
      rules.push_back(std::move(r));
    }
  json::array results;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const diagnostic& d = ds[i];
    json::object physical;
    physical["artifactLocation"] = json::object{{"uri", to_uri(d.file)}};
    if (d.line > 0) physical["region"] = json::object{{"startLine", d.line}, {"startColumn", 1}};
    json::object r;
    r["ruleId"] = d.code;
    r["ruleIndex"] = rule_index.at(d.code);
    r["level"] = level_of(d.level);
    r["message"] = json::object{{"text", d.message}};
    r["locations"] = json::array{json::object{{"physicalLocation", std::move(physical)}}};
    if (!in_baseline.empty()) r["baselineState"] = in_baseline[i] ? "unchanged" : "new";
    results.push_back(std::move(r));
  }
  json::object driver;
  driver["name"] = "conform";
  driver["version"] = conform_version();
  driver["rules"] = std::move(rules);
  json::object run;
  run["tool"] = json::object{{"driver", std::move(driver)}};
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = std::move(results);
  json::object log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = json::array{std::move(run)};
  return json::serialize(log) + "\n";
}

}  // namespace conform::cli
