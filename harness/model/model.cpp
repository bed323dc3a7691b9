#include "model/exchange.hpp"
#include "model/fixture.hpp"
#include "model/result.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace conform {

std::string_view to_string(severity s) {
  return s == severity::error ? "error" : s == severity::note ? "note" : "warning";
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool looks_like_key(std::string_view s) {
  if (s.empty() || s.front() == '$' || s.find('(') != std::string_view::npos) return false;
  if (istarts_with(s, "microsoft.") || istarts_with(s, "graph.")) return false;
  // A dotted name is a key: domains and sites are keyed by host names.
  const std::size_t dot = s.find('.');
  if (dot != std::string_view::npos && dot > 0 && dot + 1 < s.size()) return true;
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  // A name: a lower-case letter first, then letters and digits only, with an upper-case letter (camelCase) or
  // too short to be an id ("oauth2"); long lower-case hex ("a1b2c3d4e5") is an id.
  if (is_lower(s.front()) &&
      std::all_of(s.begin(), s.end(), [&](char c) { return is_lower(c) || is_upper(c) || is_digit(c); })) {
    const bool camel = std::any_of(s.begin(), s.end(), is_upper);
    const bool hex =
        std::all_of(s.begin(), s.end(), [&](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
    if (camel || s.size() < 8 || !hex) return false;
    return true;
  }
  return std::any_of(s.begin(), s.end(),
                     [&](char c) { return is_digit(c) || c == '@' || c == ':' || c == '='; });
}

bool glob_match(std::string_view glob, std::string_view text) {
  return glob_walk(
      glob.size(), text.size(), [glob](std::size_t g) { return glob[g] == '*'; },
      [glob, text](std::size_t g, std::size_t t) { return glob[g] == '?' || glob[g] == text[t]; });
}

std::string_view version() noexcept {
  return CONFORM_VERSION;
}

bool is_json_media_type(std::string_view content_type) {
  std::string m = to_lower(trim(content_type.substr(0, content_type.find(';'))));
  if (m == "application/json") return true;
  if (m.find('/') == std::string::npos) return false;
  return m.size() > 5 && m.compare(m.size() - 5, 5, "+json") == 0;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

const header* find_header(const header_list& headers, std::string_view name) {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return &h;
  return nullptr;
}

std::string simple_type_name(std::string_view t) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '#')) v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
  };
  t = trim(t);
  if (t.size() > 11 && iequals(t.substr(0, 11), "collection(") && t.back() == ')')
    t = trim(t.substr(11, t.size() - 12));
  if (auto dot = t.rfind('.'); dot != std::string_view::npos) t = t.substr(dot + 1);
  return to_lower(t);
}

namespace {

// A type name as same_type compares it: without '#' and spaces around, lower case.
std::string type_key(std::string_view t) {
  while (!t.empty() && (t.front() == '#' || t.front() == ' ')) t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return to_lower(t);
}

bool qualified(const std::string& key) {
  return key.find('.') != std::string::npos;
}

}  // namespace

bool same_type(std::string_view a, std::string_view b) {
  std::string x = type_key(a), y = type_key(b);
  if (x == y) return true;
  // "microsoft.graph.user" and "user" name the same type; two different namespaces do not.
  if (qualified(x) != qualified(y)) return simple_type_name(x) == simple_type_name(y);
  return false;
}

void type_name_set::insert(std::string_view name) {
  std::string key = type_key(name);
  (qualified(key) ? simple_qualified_ : simple_unqualified_).insert(simple_type_name(key));
  names_.insert(std::move(key));
}

bool type_name_set::contains_same_type(std::string_view name) const {
  std::string key = type_key(name);
  if (names_.contains(key)) return true;
  // same_type's second rule: a qualified name matches an unqualified one with its simple name, and back.
  return (qualified(key) ? simple_unqualified_ : simple_qualified_).contains(simple_type_name(key));
}

const type_def* fixture_set::find_type(std::string_view name) const {
  std::string_view n = trim(name);
  while (!n.empty() && n.front() == '#') n.remove_prefix(1);
  if (n.find('.') != std::string_view::npos && !istarts_with(n, "collection(")) {
    // Qualified names are keys only in contracts read from $metadata ("microsoft.graph.security.alert").
    if (auto it = types.find(to_lower(n)); it != types.end()) return &it->second;
    for (const auto& [alias, name_space] : namespace_aliases)
      if (n.size() > alias.size() + 1 && n[alias.size()] == '.' && istarts_with(n, alias))
        if (auto it = types.find(to_lower(name_space + std::string(n.substr(alias.size()))));
            it != types.end())
          return &it->second;
  }
  auto it = types.find(simple_type_name(name));
  return it == types.end() ? nullptr : &it->second;
}

const fixture_set& fixture_set::contract_for(const fixture& f) const {
  if (metadata.empty()) return *this;
  if (auto it = metadata.find(f.version); it != metadata.end() && it->second) return *it->second;
  if (auto it = metadata.find(""); it != metadata.end() && it->second) return *it->second;
  return *this;
}

std::string contract_of(const property& p) {
  if (p.source.empty()) return "";
  if (p.from_metadata || p.line == 0) return p.source;
  return p.source + ":" + std::to_string(p.line);
}

const std::vector<property>& fixture_set::properties_of(const fixture& f) const {
  static const std::vector<property> none;
  if (!f.properties.empty() || f.response.odata_type.empty()) return f.properties;
  const type_def* t = find_type(f.response.odata_type);
  return t ? t->properties : none;
}

std::string_view to_string(check_id c) {
  switch (c) {
    case check_id::status:
      return "status";
    case check_id::content_type:
      return "content-type";
    case check_id::json:
      return "json";
    case check_id::odata_type:
      return "odata-type";
    case check_id::required_property:
      return "required-property";
    case check_id::property_type:
      return "property-type";
    case check_id::enum_value:
      return "enum";
    case check_id::unexpected_property:
      return "unexpected-property";
  }
  return "unknown";
}

std::string_view to_string(check_outcome o) {
  switch (o) {
    case check_outcome::passed:
      return "passed";
    case check_outcome::failed:
      return "failed";
    case check_outcome::skipped:
      return "skipped";
    case check_outcome::note:
      return "note";
  }
  return "unknown";
}

std::size_t result_budget::slot(check_id id, check_outcome o) {
  return static_cast<std::size_t>(id) * 2 + (o == check_outcome::note ? 1 : 0);
}

bool result_budget::take(check_id id, check_outcome o) {
  if (o != check_outcome::failed && o != check_outcome::note) return true;  // one passed or skipped a check
  return ++seen_[slot(id, o)] <= keep_;
}

std::size_t result_budget::dropped(check_id id, check_outcome o) const {
  if (o != check_outcome::failed && o != check_outcome::note) return 0;
  std::size_t seen = seen_[slot(id, o)];
  return seen > keep_ ? seen - keep_ : 0;
}

void result_budget::append_dropped(check_id id, std::vector<check_result>& out) const {
  for (check_outcome o : {check_outcome::failed, check_outcome::note})
    if (std::size_t n = dropped(id, o))
      out.push_back({id, o, "", "", "",
                     "and " + std::to_string(n) + " more " + std::string(to_string(id)) +
                         (o == check_outcome::failed ? " failures" : " notes") + " (only the first " +
                         std::to_string(keep_) + " of a check are kept)"});
}

std::string_view to_string(verdict v) {
  switch (v) {
    case verdict::passed:
      return "passed";
    case verdict::failed:
      return "failed";
    case verdict::error:
      return "error";
    case verdict::skipped:
      return "skipped";
    case verdict::waived:
      return "waived";
    case verdict::inconclusive:
      return "inconclusive";
  }
  return "unknown";
}

const check_result* case_result::first_failure() const {
  auto it = std::find_if(checks.begin(), checks.end(),
                         [](const check_result& c) { return c.outcome == check_outcome::failed; });
  return it == checks.end() ? nullptr : &*it;
}

run_summary run_result::summary() const {
  run_summary s;
  for (const auto& c : cases) {
    switch (c.outcome) {
      case verdict::passed:
        ++s.passed;
        break;
      case verdict::failed:
        ++s.failed;
        break;
      case verdict::error:
        ++s.errors;
        break;
      case verdict::skipped:
        ++s.skipped;
        break;
      case verdict::waived:
        ++s.waived;
        break;
      case verdict::inconclusive:
        ++s.inconclusive;
        break;
    }
  }
  return s;
}

namespace {

std::vector<std::string_view> directories_of(std::string_view file) {
  std::vector<std::string_view> dirs;
  for (std::size_t slash; (slash = file.find('/')) != std::string_view::npos; file.remove_prefix(slash + 1))
    if (slash > 0 && file.substr(0, slash) != ".") dirs.push_back(file.substr(0, slash));
  return dirs;
}

// For files that give the same page name: one distinct prefix each (see disambiguate_pages).
std::map<std::string, std::string> prefixes_of(const std::map<std::string, std::string>& version_by_file) {
  std::map<std::string, std::string> out;
  // A version folder in each path ("graph/beta/api/x.md"), the last one when there are several; else the
  // version the pages' examples say.
  auto version_folder = [](std::string_view file) {
    std::string found;
    for (std::string_view d : directories_of(file))
      if (d == "beta" || (d.size() >= 2 && d[0] == 'v' && d[1] >= '0' && d[1] <= '9')) found = d;
    return found;
  };
  for (const bool folders : {true, false}) {
    std::set<std::string> versions;
    for (const auto& [file, v] : version_by_file) {
      std::string version = folders ? version_folder(file) : v;
      if (!version.empty()) versions.insert(version);
      out[file] = version;
    }
    if (versions.size() == version_by_file.size()) return out;
  }
  out.clear();
  // The directories below those all the files share.
  std::vector<std::vector<std::string_view>> dirs;
  for (const auto& [file, v] : version_by_file) dirs.push_back(directories_of(file));
  std::size_t common = 0;
  while (std::all_of(dirs.begin(), dirs.end(),
                     [&](const auto& d) { return common < d.size() && d[common] == dirs.front()[common]; }))
    ++common;
  std::set<std::string> taken;
  std::size_t n = 0;
  for (const auto& [file, v] : version_by_file) {
    std::string prefix;
    for (std::size_t i = common; i < dirs[n].size(); ++i)
      prefix += (prefix.empty() ? "" : "/") + std::string(dirs[n][i]);
    ++n;
    // The file itself when its directory says nothing (the same name in the shared directory and below it).
    if (prefix.empty() || !taken.insert(prefix).second) prefix = file;
    out[file] = prefix;
  }
  return out;
}

}  // namespace

void disambiguate_pages(fixture_set& set) {
  // Page name -> the files that give it, each with its version.
  std::map<std::string, std::map<std::string, std::string>> files_by_page;
  for (const fixture& f : set.fixtures) files_by_page[f.page].emplace(f.file, f.version);
  std::unordered_map<std::string, std::map<std::string, std::string>> prefix;  // page -> file -> prefix
  for (const auto& [page, files] : files_by_page)
    if (files.size() > 1) prefix[page] = prefixes_of(files);
  if (prefix.empty()) return;
  for (fixture& f : set.fixtures) {
    auto p = prefix.find(f.page);
    if (p == prefix.end()) continue;
    const std::string& before = p->second.at(f.file);
    f.id = before + "/" + f.id;
    f.page = before + "/" + f.page;
  }
}

}  // namespace conform
