// Documented JSON is often not strict JSON: trailing commas, `...` lines standing for elided items,
// non-breaking spaces pasted from a word processor. We parse strictly first and repair only on failure, so
// well-formed bodies cost one parse.
#include "extract/extract.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/stream_parser.hpp>

#include <string>

namespace conform::extract {
namespace {

std::optional<boost::json::value> try_parse(std::string_view text, const boost::json::parse_options& po,
                                            boost::system::error_code& ec) {
  boost::json::value v = boost::json::parse(text, ec, boost::json::storage_ptr(), po);
  if (ec) return std::nullopt;
  return v;
}

// A line that only stands for "more of the same": `...`, `…`, `...,`, `// ...`.
bool is_ellipsis_line(std::string_view line) {
  line = trim(line);
  if (!line.empty() && line.back() == ',') line = trim(line.substr(0, line.size() - 1));
  if (line.starts_with("//")) return true;
  if (line == "..." || line == "\xE2\x80\xA6" || line == "....") return true;
  return false;
}

// Removes a comma that directly precedes (across whitespace) the closing bracket, outside strings.
// Also used after dropping `...` lines, which often leaves `item,` followed by `]`.
std::string drop_trailing_commas(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < s.size())
        out += s[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == ',') {
      std::size_t j = i + 1;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) ++j;
      if (j < s.size() && (s[j] == '}' || s[j] == ']')) continue;
    }
    out += c;
  }
  return out;
}

std::size_t line_of_offset(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

}  // namespace

json_parse_result parse_documented_json(std::string_view text, std::size_t max_depth) {
  json_parse_result r;
  boost::json::parse_options strict;
  strict.max_depth = max_depth;
  boost::system::error_code ec;
  if ((r.value = try_parse(text, strict, ec))) return r;
  if (ec == boost::json::error::too_deep) {
    r.error = "JSON nesting deeper than " + std::to_string(max_depth) + " levels";
    return r;
  }
  std::string first_error = ec.message();

  // Repairs, cheapest and most common first.
  std::string fixed;
  fixed.reserve(text.size());
  bool nbsp = false, ellipsis = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (is_ellipsis_line(line)) {
      ellipsis = true;
    } else {
      for (std::size_t i = 0; i < line.size(); ++i) {
        if (static_cast<unsigned char>(line[i]) == 0xC2 && i + 1 < line.size() &&
            static_cast<unsigned char>(line[i + 1]) == 0xA0) {
          fixed += ' ';
          ++i;
          nbsp = true;
        } else {
          fixed += line[i];
        }
      }
      fixed += '\n';
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  std::string no_commas = drop_trailing_commas(fixed);
  bool commas = no_commas.size() != fixed.size();

  boost::json::parse_options lenient = strict;
  lenient.allow_comments = true;
  if ((r.value = try_parse(no_commas, lenient, ec))) {
    if (commas) r.repairs.push_back("trailing comma removed");
    if (ellipsis) r.repairs.push_back("'...' line removed");
    if (nbsp) r.repairs.push_back("non-breaking space replaced");
    if (r.repairs.empty()) r.repairs.push_back("comment removed");
    return r;
  }
  r.error = first_error;
  // Locate the failure in the original text for a precise file:line.
  boost::json::stream_parser p(boost::json::storage_ptr(), strict);
  boost::system::error_code ec2;
  std::size_t consumed = p.write_some(text.data(), text.size(), ec2);
  r.error_line = line_of_offset(text, consumed);
  return r;
}

}  // namespace conform::extract
