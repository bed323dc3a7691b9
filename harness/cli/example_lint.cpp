#include "example_lint.hpp"

#include "check/check.hpp"
#include "model/contract.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace conform::cli {

namespace json = boost::json;

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
bool ends_word(char c) {
  return is_space(c) || c == ',' || c == ':' || c == '[' || c == ']' || c == '{' || c == '}' || c == '"';
}

}  // namespace

std::map<std::string, std::size_t, std::less<>> pointer_lines(std::string_view page, std::size_t body_line) {
  std::map<std::string, std::size_t, std::less<>> out;
  if (body_line == 0) return out;
  // The offset of line `body_line`.
  std::size_t pos = 0, line = 1;
  while (line < body_line && pos < page.size()) {
    std::size_t nl = page.find('\n', pos);
    if (nl == std::string_view::npos) return out;
    pos = nl + 1;
    ++line;
  }
  struct frame {
    bool object = false;
    std::string pointer;
    std::size_t index = 0;
    std::string key;
    bool expect_key = false;
  };
  std::vector<frame> stack;
  bool started = false;
  // Records a value starting here; returns its pointer.
  auto value_here = [&]() -> std::string {
    std::string p;
    if (!stack.empty()) {
      frame& top = stack.back();
      p = top.object ? pointer_child(top.pointer, top.key) : pointer_child(top.pointer, top.index++);
    }
    out.emplace(p, line);
    started = true;
    return p;
  };
  while (pos < page.size()) {
    const char c = page[pos];
    if (c == '\n') {
      ++line;
      ++pos;
      continue;
    }
    if (is_space(c) || c == ':') {
      ++pos;
      continue;
    }
    if (c == '`' && page.substr(pos, 3) == "```") break;  // the closing fence: the body ended unbalanced
    if (c == ',') {
      if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
      ++pos;
      continue;
    }
    if (c == '{' || c == '[') {
      std::string p = value_here();
      stack.push_back({c == '{', std::move(p), 0, {}, c == '{'});
      ++pos;
      continue;
    }
    if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      ++pos;
      if (stack.empty() && started) break;
      continue;
    }
    if (c == '/' && pos + 1 < page.size() && page[pos + 1] == '/') {  // a comment to the end of the line
      std::size_t nl = page.find('\n', pos);
      pos = nl == std::string_view::npos ? page.size() : nl;
      continue;
    }
    if (c == '/' && pos + 1 < page.size() && page[pos + 1] == '*') {
      std::size_t end = page.find("*/", pos + 2);
      std::size_t stop = end == std::string_view::npos ? page.size() : end + 2;
      line += static_cast<std::size_t>(std::count(page.begin() + static_cast<std::ptrdiff_t>(pos),
                                                  page.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
      pos = stop;
      continue;
    }
    // A string or a bare word (number, literal, unquoted key, `...`).
    std::string text;
    const std::size_t start_line = line;
    if (c == '"') {
      ++pos;
      while (pos < page.size() && page[pos] != '"') {
        if (page[pos] == '\\' && pos + 1 < page.size()) {
          const char e = page[++pos];
          text += e == 'n' ? '\n' : e == 't' ? '\t' : e;  // enough for keys: \" \\ \/
        } else {
          if (page[pos] == '\n') ++line;  // a string broken across lines, as some pages have
          text += page[pos];
        }
        ++pos;
      }
      ++pos;
    } else {
      while (pos < page.size() && !ends_word(page[pos])) text += page[pos++];
      if (text.find_first_not_of('.') == std::string::npos || text == "\xE2\x80\xA6") continue;  // `...`
    }
    if (!stack.empty() && stack.back().object && stack.back().expect_key) {
      stack.back().key = std::move(text);
      stack.back().expect_key = false;
      continue;
    }
    const std::size_t keep = line;
    line = start_line;
    value_here();
    line = keep;
    if (stack.empty()) break;  // a scalar body
  }
  return out;
}

std::size_t line_of_pointer(const std::map<std::string, std::size_t, std::less<>>& lines,
                            std::string_view pointer, std::size_t body_line) {
  for (;;) {
    if (auto it = lines.find(pointer); it != lines.end()) return it->second;
    if (pointer.empty()) return body_line;
    std::size_t slash = pointer.rfind('/');
    pointer = pointer.substr(0, slash == std::string_view::npos ? 0 : slash);
  }
}

namespace {

// A documented example's value that names a type instead of being one ("String", "String (identifier)",
// "Boolean") and is not a member its property lists. Values of keys that name types ("dataType": "String")
// are real values.
bool placeholder_at(std::string_view key, const json::string& s, const property* p) {
  if (placeholder_type(s).empty()) return false;
  if (iends_with(key, "type")) return false;
  if (p != nullptr)
    for (const std::string& m : p->enum_values)
      if (iequals(m, s)) return false;
  return true;
}

// What the walk below finds: placeholders, and nulls where the contract says outright "not nullable".
struct value_walk {
  const fixture_set& set;
  std::vector<std::string> placeholders;
  std::vector<std::pair<std::string, const property*>> nulls;
};

void find_placeholders(const json::value& v, std::string_view key, const property* p, value_walk& w,
                       const std::string& pointer, std::size_t depth);

void placeholders_in(const json::object& o, const property_scope& scope, value_walk& w,
                     const std::string& pointer, std::size_t depth) {
  for (const auto& kv : o) {
    if (kv.key().find('@') != json::string_view::npos) continue;  // annotations
    find_placeholders(kv.value(), kv.key(), scope.find(kv.key()), w, pointer_child(pointer, kv.key()), depth);
  }
}

void find_placeholders(const json::value& v, std::string_view key, const property* p, value_walk& w,
                       const std::string& pointer, std::size_t depth) {
  if (depth > 64) return;
  const fixture_set& set = w.set;
  if (v.is_null()) {
    if (p != nullptr && p->not_nullable && !p->nullable) w.nulls.emplace_back(pointer, p);
  } else if (const json::string* s = v.if_string()) {
    if (placeholder_at(key, *s, p)) w.placeholders.push_back(pointer);
  } else if (const json::object* o = v.if_object()) {
    placeholders_in(*o, scope_of(set, v, p), w, pointer, depth + 1);
  } else if (const json::array* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i)
      find_placeholders((*a)[i], key, p, w, pointer_child(pointer, i), depth + 1);
  }
}

// The placeholders of a whole body: the scope applies to the body, or to each item of a {"value": [...]}.
value_walk body_placeholders(const json::value& body, const property_scope& scope, const fixture_set& set) {
  value_walk out{set, {}, {}};
  const json::object* o = body.if_object();
  if (o == nullptr) return out;
  const json::value* items = o->if_contains("value");
  if (items != nullptr && items->is_array() && scope.find("value") == nullptr) {
    const json::array& a = items->get_array();
    for (std::size_t i = 0; i < a.size(); ++i)
      if (const json::object* item = a[i].if_object())
        placeholders_in(*item, scope, out, pointer_child("/value", i), 1);
      else
        find_placeholders(a[i], "value", nullptr, out, pointer_child("/value", i), 1);
    return out;
  }
  placeholders_in(*o, scope, out, "", 0);
  return out;
}

std::string placeholder_message(const json::value& body, const std::string& pointer, bool request) {
  boost::system::error_code ec;
  const json::value* v = body.find_pointer(pointer, ec);
  std::string shown = v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
  return std::string(request ? "request" : "response") + " example: " + (pointer.empty() ? "/" : pointer) +
         " is the placeholder \"" + shorten(shown) + "\", not a value of its type";
}

std::string with_contract(std::string message, const check_result& c) {
  if (!c.contract.empty()) message += " (contract: " + c.contract + ")";
  return message;
}

}  // namespace

std::vector<example_finding> example_findings(const fixture& f, const fixture_set& set) {
  std::vector<example_finding> out;
  const fixture_set& contract = set.contract_for(f);
  check::options opts;
  opts.strict_enums = true;  // the docs spell members as their table does
  auto placeholders = [&](const json::value& body, const property_scope& scope, bool request) {
    value_walk found = body_placeholders(body, scope, contract);
    for (const std::string& p : found.placeholders)
      out.push_back(
          {"example-placeholder-value", severity::note, p, placeholder_message(body, p, request), request});
    // A request may send null to clear a property; a response's null is a value the contract rules out.
    if (!request)
      for (const auto& [p, prop] : found.nulls)
        if (!listed_nullable(&f.nullable_properties, p)) {
          check_result c;
          c.contract = contract_of(*prop);
          out.push_back(
              {"example-nullable", severity::warning, p,
               with_contract("response example: " + (p.empty() ? std::string("/") : p) +
                                 " is null but its contract says it is not nullable (" + prop->type + ")",
                             c),
               false});
        }
    return std::set<std::string>(found.placeholders.begin(), found.placeholders.end());
  };
  if (f.request.json) {
    const json::value& body = *f.request.json;
    const std::set<std::string> ph = placeholders(body, request_scope(f, contract, body), true);
    for (const check_result& c : check::check_documented_request(f, contract, opts)) {
      if (c.outcome != check_outcome::failed || ph.contains(c.pointer)) continue;
      const std::string code =
          c.check == check_id::enum_value ? "example-request-enum" : "example-request-type";
      out.push_back(
          {code, severity::warning, c.pointer, with_contract("request example: " + c.message, c), true});
    }
  }
  // Error responses follow the error format, not the page's tables.
  if (f.response.json && !f.expect_error && f.response.status < 400) {
    const json::value& body = *f.response.json;
    const std::set<std::string> ph = placeholders(body, response_scope(f, contract, body), false);
    for (const check_result& c : check::check_documented_response(f, contract, opts)) {
      if (c.outcome != check_outcome::failed || ph.contains(c.pointer)) continue;
      std::string code;
      switch (c.check) {
        case check_id::property_type:
          code = c.actual == "null" ? "example-nullable" : "example-type";
          break;
        case check_id::enum_value:
          code = "example-enum";
          break;
        case check_id::required_property:
          if (f.response.truncated) continue;  // a truncated example shows only some properties
          code = "example-missing-property";
          break;
        case check_id::odata_type:
          code = "example-odata-type";
          break;
        default:
          continue;
      }
      out.push_back(
          {code, severity::warning, c.pointer, with_contract("response example: " + c.message, c), false});
    }
  }
  return out;
}

void place_findings(const fixture& f, const std::vector<example_finding>& findings,
                    std::map<std::string, std::string, std::less<>>& page_text,
                    std::vector<diagnostic>& out) {
  if (findings.empty()) return;
  auto it = page_text.find(f.file);
  if (it == page_text.end()) {
    std::ifstream in(f.file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    it = page_text.emplace(f.file, text.str()).first;
  }
  std::map<std::string, std::size_t, std::less<>> request_lines, response_lines;
  bool request_read = false, response_read = false;
  for (const example_finding& x : findings) {
    std::size_t body_line = x.request ? f.request.body_line : f.response.body_line;
    auto& lines = x.request ? request_lines : response_lines;
    bool& read = x.request ? request_read : response_read;
    if (!read) {
      lines = pointer_lines(it->second, body_line);
      read = true;
    }
    out.push_back({f.file, line_of_pointer(lines, x.pointer, body_line), x.level, x.code, x.message});
  }
}

namespace {

// The headings of a page by line, lower case ("request body"), from ATX lines outside fenced code.
std::map<std::size_t, std::string> headings_of(std::string_view page) {
  std::map<std::size_t, std::string> out;
  bool fenced = false;
  std::size_t line = 1;
  for (std::size_t pos = 0; pos < page.size(); ++line) {
    std::size_t nl = page.find('\n', pos);
    if (nl == std::string_view::npos) nl = page.size();
    std::string_view l = trim(page.substr(pos, nl - pos));
    if (l.starts_with("```") || l.starts_with("~~~")) fenced = !fenced;
    if (!fenced && l.starts_with("#")) out.emplace(line, to_lower(trim(l.substr(l.find_first_not_of('#')))));
    pos = nl + 1;
  }
  return out;
}

std::string_view line_text(std::string_view page, std::size_t line) {
  std::size_t pos = 0;
  for (std::size_t l = 1; l < line && pos != std::string_view::npos; ++l) {
    pos = page.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  if (pos == std::string_view::npos || pos >= page.size()) return {};
  return page.substr(pos, page.find('\n', pos) - pos);
}

// The table row itself says Required, without a condition: a merged resource-page row may carry `required`
// from the type's own table, and "Required if **x** is true" depends on another value.
bool row_says_required(std::string_view row) {
  for (std::size_t at = row.find("Required"); at != std::string_view::npos;
       at = row.find("Required", at + 1)) {
    std::string_view after = row.substr(at + 8);
    std::string_view before = row.substr(0, at);
    while (!before.empty() && before.back() == ' ') before.remove_suffix(1);
    if (iends_with(before, "not")) continue;
    if (istarts_with(after, " if") || istarts_with(after, " when") || istarts_with(after, " only") ||
        istarts_with(after, " for") || istarts_with(after, " unless"))
      continue;
    if (!after.empty() && std::isalpha(static_cast<unsigned char>(after.front())))
      continue;  // "RequiredOn..."
    return true;
  }
  return false;
}

// Rows the page's "Request body" table marks Required that its request example leaves out, said at the body's
// opening line. Only that table: an API page's other tables (a response's properties) are not the request's.
void missing_request_properties(const fixture& f, std::string_view page,
                                std::map<std::size_t, std::string>& heads, bool& heads_read,
                                std::vector<example_finding>& out) {
  if (!f.request.json || !f.request.json->is_object()) return;
  const json::object& body = f.request.json->get_object();
  for (const property& p : f.properties) {
    // Extraction clears `required` on request-body rows (they bind the request, not the response): the row's
    // own text is read instead.
    if (p.source != f.file || p.line == 0 || p.from_metadata) continue;
    if (!heads_read) {
      heads = headings_of(page);
      heads_read = true;
    }
    auto h = heads.upper_bound(p.line);
    if (h == heads.begin() || std::prev(h)->second != "request body") continue;
    if (!row_says_required(line_text(page, p.line))) continue;
    const bool present = std::any_of(
        body.begin(), body.end(), [&](const json::key_value_pair& kv) { return iequals(kv.key(), p.name); });
    if (present) continue;
    out.push_back({"example-request-missing-property", severity::warning, "",
                   "request example: the body lacks \"" + p.name +
                       "\", which the request body table marks Required (contract: " + contract_of(p) + ")",
                   true});
  }
}

}  // namespace

void lint_examples(const fixture_set& set, std::vector<diagnostic>& out) {
  std::map<std::string, std::string, std::less<>> page_text;
  std::map<std::size_t, std::string> heads;
  bool heads_read = false;
  std::string_view last_file;
  for (const fixture& f : set.fixtures) {
    if (f.file != last_file) {
      page_text.clear();  // fixtures come page by page: keep one page at a time
      heads_read = false;
    }
    last_file = f.file;
    std::vector<example_finding> findings = example_findings(f, set);
    if (f.request.json && std::any_of(f.properties.begin(), f.properties.end(),
                                      [&](const property& p) { return p.source == f.file; })) {
      auto it = page_text.find(f.file);
      if (it == page_text.end()) {
        std::ifstream in(f.file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        it = page_text.emplace(f.file, text.str()).first;
      }
      missing_request_properties(f, it->second, heads, heads_read, findings);
    }
    place_findings(f, findings, page_text, out);
  }
}

}  // namespace conform::cli
