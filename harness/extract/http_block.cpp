#include "http_block.hpp"

#include <array>
#include <cctype>
#include <vector>

namespace conform::extract::detail {
namespace {

// Fills `lines` (reused by the caller: one allocation per thread, not one per block).
void split_lines(std::string_view text, std::vector<std::string_view>& lines) {
  lines.clear();
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
}

// `Name: value` where Name is an HTTP token; a JSON line such as `"a": 1` is not a header.
bool parse_header(std::string_view line, header& h) {
  std::size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
  }
  h.name = std::string(line.substr(0, colon));
  h.value = std::string(trim(line.substr(colon + 1)));
  return true;
}

bool parse_status_line(std::string_view line, http_block& b) {
  // HTTP/1.1 201 Created | HTTP 201 Created | HTTP/1.1 200
  if (!line.starts_with("HTTP")) return false;
  std::size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return false;
  std::string_view proto = line.substr(0, sp);
  if (proto != "HTTP" && !proto.starts_with("HTTP/")) return false;
  std::string_view rest = trim(line.substr(sp + 1));
  int code = 0;
  std::size_t i = 0;
  while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i])) && i < 3) {
    code = code * 10 + (rest[i] - '0');
    ++i;
  }
  if (i != 3 || (i < rest.size() && rest[i] != ' ')) return false;
  if (code < 100 || code > 599) return false;
  b.kind = block_kind::response;
  b.status = code;
  b.reason = std::string(trim(rest.substr(i)));
  return true;
}

bool parse_request_line(std::string_view line, http_block& b) {
  std::size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return false;
  std::string_view method = line.substr(0, sp);
  if (!is_http_method(method)) return false;
  std::string_view url = trim(line.substr(sp + 1));
  if (url.ends_with(" HTTP/1.1") || url.ends_with(" HTTP/1.0")) url = trim(url.substr(0, url.size() - 9));
  if (url.empty()) return false;
  b.kind = block_kind::request;
  b.method = std::string(method);
  b.url = std::string(url);
  return true;
}

}  // namespace

bool is_http_method(std::string_view w) {
  static constexpr std::array<std::string_view, 8> methods{"GET",    "POST", "PUT",     "PATCH",
                                                           "DELETE", "HEAD", "OPTIONS", "TRACE"};
  for (auto m : methods)
    if (w == m) return true;
  return false;
}

http_block parse_http_block(std::string_view text) {
  http_block b;
  thread_local std::vector<std::string_view> lines;
  split_lines(text, lines);
  std::size_t i = 0;
  while (i < lines.size() && trim(lines[i]).empty()) ++i;
  if (i == lines.size()) return b;
  std::string_view first = trim(lines[i]);
  if (!parse_status_line(first, b) && !parse_request_line(first, b)) return b;
  b.first_line = i;
  ++i;
  // Seed 003 puts a blank line between the status line and the headers: skip blanks when a header follows.
  std::size_t j = i;
  while (j < lines.size() && trim(lines[j]).empty()) ++j;
  header h;
  if (j < lines.size() && j != i && parse_header(trim(lines[j]), h)) i = j;
  for (; i < lines.size(); ++i) {
    std::string_view l = trim(lines[i]);
    if (l.empty()) {
      ++i;
      break;
    }
    if (l.front() == '{' || l.front() == '[' || l.front() == '<' || l.front() == '"')
      break;  // body, no blank line
    if (!parse_header(l, h)) break;
    b.headers.push_back(std::move(h));
  }
  while (i < lines.size() && trim(lines[i]).empty()) ++i;
  b.body_line = i;
  std::string body;
  std::size_t end = lines.size();
  while (end > i && trim(lines[end - 1]).empty()) --end;
  if (i < end) {
    // Without carriage returns the joined lines are the source bytes themselves: one copy.
    std::string_view whole(
        lines[i].data(),
        static_cast<std::size_t>(lines[end - 1].data() + lines[end - 1].size() - lines[i].data()));
    if (whole.find('\r') == std::string_view::npos) {
      b.body = std::string(whole);
      return b;
    }
  }
  for (std::size_t k = i; k < end; ++k) {
    std::string_view l = lines[k];
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    body.append(l);
    if (k + 1 < end) body += '\n';
  }
  b.body = std::move(body);
  return b;
}

}  // namespace conform::extract::detail
