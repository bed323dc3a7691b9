#include "front_matter.hpp"

#include "model/fixture.hpp"

#include <set>

namespace conform::extract::detail {

namespace {

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Where a quoted scalar opened at s[0] closes: the index of the closing quote, npos when not on this line.
std::size_t closing_quote(std::string_view s, std::size_t from = 1) {
  const char q = s[0];
  for (std::size_t i = from; i < s.size(); ++i) {
    if (q == '"' && s[i] == '\\') {
      ++i;
    } else if (s[i] == q) {
      if (q == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
        ++i;  // '' is a quote inside single quotes
        continue;
      }
      return i;
    }
  }
  return std::string_view::npos;
}

// What follows a closed quoted scalar: nothing, or a comment.
bool only_comment(std::string_view rest) {
  rest = trim(rest);
  return rest.empty() || rest.front() == '#';
}

}  // namespace

std::vector<front_matter_problem> check_front_matter(std::string_view page) {
  std::vector<front_matter_problem> out;
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos <= page.size();) {
    std::size_t nl = page.find('\n', pos);
    if (nl == std::string_view::npos) nl = page.size();
    lines.push_back(rtrim(page.substr(pos, nl - pos)));
    pos = nl + 1;
    if (lines.size() == 1 && lines[0] != "---") return out;                           // no front matter
    if (lines.size() > 1 && (lines.back() == "---" || lines.back() == "...")) break;  // its end
  }
  if (lines.empty()) return out;
  std::size_t end = 0;
  for (std::size_t i = 1; i < lines.size() && end == 0; ++i)
    if (lines[i] == "---" || lines[i] == "...") end = i;
  // The page's title ("# Title", which YAML would read as a comment) before the closing line: the front
  // matter was never closed, and the '---' found further down is a thematic break of the page.
  for (std::size_t i = 1; i < (end == 0 ? lines.size() : end); ++i)
    if (lines[i].starts_with("# ")) {
      out.push_back({1, "front matter opened with '---' is not closed before the page's title on line " +
                            std::to_string(i + 1)});
      return out;
    }
  if (end == 0) {
    out.push_back({1, "front matter opened with '---' is never closed with a '---' line"});
    return out;
  }
  std::set<std::string, std::less<>> keys;
  bool have_key = false;
  // A quoted value still open from an earlier line: its quote character and the line it opened on.
  char open_quote = 0;
  std::size_t open_line = 0;
  for (std::size_t i = 1; i < end; ++i) {
    const std::size_t line = i + 1;
    std::string_view l = lines[i];
    if (open_quote != 0) {
      std::string q(1, open_quote);
      std::string joined = q + std::string(trim(l));
      if (std::size_t c = closing_quote(joined); c != std::string_view::npos) {
        open_quote = 0;
        if (!only_comment(std::string_view(joined).substr(c + 1)))
          out.push_back({line, "text after the closing quote of a quoted value"});
      }
      continue;
    }
    const std::string_view t = trim(l);
    if (t.empty() || t.front() == '#') continue;
    const std::size_t indent = l.find_first_not_of(" \t");
    if (l.substr(0, indent).find('\t') != std::string_view::npos) {
      out.push_back({line, "a tab in the indentation (YAML indents with spaces only)"});
      continue;
    }
    if (indent > 0 || t.front() == '-') {
      if (!have_key) out.push_back({line, "an indented line or list item before any key"});
      continue;  // a nested value, a list item or a continued plain value
    }
    // key: value
    std::size_t colon = std::string_view::npos;
    for (std::size_t k = 0; k < t.size(); ++k)
      if (t[k] == ':' && (k + 1 == t.size() || t[k + 1] == ' ')) {
        colon = k;
        break;
      }
    if (colon == std::string_view::npos || colon == 0) {
      out.push_back({line, "not a 'key: value' line: \"" + std::string(t.substr(0, 60)) + "\""});
      continue;
    }
    have_key = true;
    const std::string key(trim(t.substr(0, colon)));
    if (!keys.insert(key).second)
      out.push_back({line, "duplicate key '" + key +
                               "' (YAML requires unique keys: some readers refuse the "
                               "page, others keep the last value)"});
    const std::string_view v = trim(t.substr(colon + 1));
    if (v.empty()) continue;
    const char c = v.front();
    if (c == '"' || c == '\'') {
      const std::size_t close = closing_quote(v);
      if (close == std::string_view::npos) {
        // A quoted value may go on over lines indented below its key; a line at the key's level ends it.
        if (i + 1 < end && lines[i + 1].starts_with(" ")) {
          open_quote = c;
          open_line = line;
        } else {
          out.push_back({line, "the quoted value of '" + key + "' is never closed (no closing " +
                                   std::string(1, c) + ")"});
        }
      } else if (!only_comment(v.substr(close + 1))) {
        out.push_back({line, "text after the closing quote of '" + key + "' (quote the whole value)"});
      }
    } else if (c == '@' || c == '`') {
      out.push_back({line, std::string("the value of '") + key + "' starts with '" + c +
                               "', which YAML reserves (quote the value)"});
    } else if (c == '*') {
      out.push_back(
          {line, "the value of '" + key + "' starts with '*' (an alias) and names no anchor (quote it)"});
    } else if (c == '[' || c == '{') {
      int depth = 0;
      for (char ch : v) depth += (ch == '[' || ch == '{') - (ch == ']' || ch == '}');
      if (depth != 0 && !(i + 1 < end && lines[i + 1].starts_with(" ")))
        out.push_back({line, "the value of '" + key + "' opens a flow collection ('" + std::string(1, c) +
                                 "') that is not closed (quote the value)"});
    } else if (c != '|' && c != '>' && c != '!' && c != '&') {
      // A plain value ends at " #" (a comment); before that it may not hold ": ".
      std::string_view plain = v.substr(0, v.find(" #"));
      if (plain.find(": ") != std::string_view::npos)
        out.push_back({line, "the value of '" + key +
                                 "' holds ': ', which YAML reads as a nested key (quote "
                                 "the value)"});
    }
  }
  if (open_quote != 0)
    out.push_back({open_line, "a quoted value opened here is never closed before the front matter ends"});
  return out;
}

}  // namespace conform::extract::detail
