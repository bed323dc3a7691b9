#include "detail.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace conform::mock::detail {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Position of the first of `chars` outside {...}; documented placeholders may contain '?' or '#'.
std::size_t find_outside_braces(std::string_view s, std::string_view chars, bool braces) {
  if (!braces) return s.find_first_of(chars);
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{')
      ++depth;
    else if (s[i] == '}' && depth > 0)
      --depth;
    else if (depth == 0 && chars.find(s[i]) != std::string_view::npos)
      return i;
  }
  return std::string_view::npos;
}

bool is_version_segment(const segment_pattern& p, std::string_view version) {
  if (!p.is_literal()) return false;
  const std::string& t = p.tokens.front().text;
  return iequals(t, "v1.0") || iequals(t, "beta") || (!version.empty() && iequals(t, version));
}

char fold(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// One pattern element: a literal character (compared case-insensitively), exactly one character of a
// placeholder, or any run of further characters.
struct element {
  enum kind_t { literal, one, any } kind;
  char c;
  bool operator==(const element&) const = default;
};

std::vector<element> compile_segment(const segment_pattern& p) {
  std::vector<element> pat;
  for (const token& t : p.tokens) {
    if (t.wildcard) {
      pat.push_back({element::one, 0});
      pat.push_back({element::any, 0});
    } else {
      for (char c : t.text) pat.push_back({element::literal, fold(c)});
    }
  }
  return pat;
}

// Hash and equality of literal segments that ignore ASCII case, like iequals; transparent, so a request
// segment is looked up as it is, without a lower-cased copy.
struct folded_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const {
    std::uint64_t h = 14695981039346656037ull;
    for (char c : s) {
      h ^= static_cast<unsigned char>(fold(c));
      h *= 1099511628211ull;
    }
    return static_cast<std::size_t>(h);
  }
};
struct folded_equal {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return iequals(a, b); }
};

// A placeholder matches one or more characters: "one" then "any"; literal characters compare folded.
bool match_elements(const std::vector<element>& pat, std::string_view text) {
  return glob_walk(
      pat.size(), text.size(), [&pat](std::size_t p) { return pat[p].kind == element::any; },
      [&pat, text](std::size_t p, std::size_t t) {
        return pat[p].kind == element::one || pat[p].c == fold(text[t]);
      });
}

// Concrete example URLs ("/users/48d3...") become patterns where the page's "## HTTP request" templates have
// a placeholder, so a runner substituting other ids still reaches the fixture.
void generalize(std::vector<segment_pattern>& segments, std::size_t offset, const fixture& f) {
  for (const std::string& raw_template : f.endpoint_templates) {
    std::string_view t = trim(raw_template);
    if (auto sp = t.find(' '); sp != std::string_view::npos && sp > 0 &&
                               std::all_of(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(sp),
                                           [](char c) { return c >= 'A' && c <= 'Z'; }))
      t = trim(t.substr(sp + 1));
    std::vector<segment_pattern> tp = parse_path_pattern(url_path(t));
    if (!tp.empty() && is_version_segment(tp.front(), f.version)) tp.erase(tp.begin());
    if (tp.size() + offset != segments.size() || tp.empty()) continue;
    bool aligned = true;
    std::vector<std::size_t> to_widen;
    for (std::size_t i = 0; i < tp.size() && aligned; ++i) {
      const segment_pattern& ex = segments[i + offset];
      if (tp[i].is_literal()) {
        aligned = !ex.is_literal() || iequals(ex.tokens.front().text, tp[i].tokens.front().text);
      } else if (tp[i].is_wildcard() && ex.is_literal()) {
        to_widen.push_back(i + offset);
      }
    }
    if (!aligned) continue;
    for (std::size_t i : to_widen) segments[i] = segment_pattern{{token{true, {}}}};
    return;
  }
}

}  // namespace

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

std::string_view url_path(std::string_view url, bool documented) {
  url = trim(url);
  if (auto scheme = url.find("://"); scheme != std::string_view::npos &&
                                     url.substr(0, scheme).find_first_of("/?{") == std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    std::size_t slash = url.find_first_of("/?#");
    if (slash == std::string_view::npos || url[slash] != '/') return "/";
    url.remove_prefix(slash);
  }
  return url.substr(0, find_outside_braces(url, "?#", documented));
}

std::string_view url_query(std::string_view url, bool documented) {
  url = trim(url);
  std::size_t q = find_outside_braces(url, "?", documented);
  if (q == std::string_view::npos) return {};
  std::string_view rest = url.substr(q + 1);
  return rest.substr(0, rest.find('#'));
}

query_list parse_query(std::string_view query) {
  query_list out;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    std::string name = percent_decode(item.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string{} : percent_decode(item.substr(eq + 1), true);
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

// "<timestamp>" at `pos`: the index of its '>', else 0. The docs' other placeholder convention, bound by the
// runner like "{id}" (same name rule: letters, digits, "_-. |$"), so it must route like one.
static std::size_t angle_placeholder_end(std::string_view path, std::size_t pos) {
  if (path[pos] != '<') return 0;
  std::size_t end = path.find('>', pos + 1);
  if (end == std::string_view::npos || end == pos + 1 || end - pos > 100) return 0;
  for (std::size_t i = pos + 1; i < end; ++i) {
    unsigned char ch = static_cast<unsigned char>(path[i]);
    if (std::isalnum(ch) == 0 && ch != '_' && ch != '-' && ch != '.' && ch != ' ' && ch != '|' && ch != '$')
      return 0;
  }
  return end;
}

std::vector<segment_pattern> parse_path_pattern(std::string_view path) {
  std::vector<segment_pattern> out;
  segment_pattern current;
  std::string literal;
  int depth = 0;
  auto flush_literal = [&] {
    if (!literal.empty()) current.tokens.push_back(token{false, percent_decode(literal)});
    literal.clear();
  };
  auto flush_segment = [&] {
    flush_literal();
    if (!current.tokens.empty()) out.push_back(std::move(current));
    current = {};
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (depth == 0 && c == '/') {
      flush_segment();
    } else if (std::size_t end = angle_placeholder_end(path, i); depth == 0 && end != 0) {
      flush_literal();
      if (current.tokens.empty() || !current.tokens.back().wildcard)
        current.tokens.push_back(token{true, {}});
      i = end;
    } else if (c == '{') {
      if (depth++ == 0) flush_literal();
    } else if (c == '}' && depth > 0) {
      // Two placeholders in a row would make the split ambiguous; one wildcard covers both.
      if (--depth == 0 && (current.tokens.empty() || !current.tokens.back().wildcard))
        current.tokens.push_back(token{true, {}});
    } else if (depth == 0) {
      literal.push_back(c);
    }
  }
  if (depth > 0) {  // an unclosed '{' is documentation noise: treat what followed it as a placeholder
    if (current.tokens.empty() || !current.tokens.back().wildcard) current.tokens.push_back(token{true, {}});
  }
  flush_segment();
  return out;
}

std::vector<std::string> split_request_path(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (!seg.empty()) out.push_back(percent_decode(seg));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool match_segment(const segment_pattern& p, std::string_view text) {
  if (p.is_literal()) return iequals(p.tokens.front().text, text);
  if (p.is_wildcard()) return !text.empty();
  return match_elements(compile_segment(p), text);
}

bool match_route(const route& r, const std::vector<std::string>& segments) {
  if (r.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i)
    if (!match_segment(r.segments[i], segments[i])) return false;
  return true;
}

struct route_index::node {
  std::unordered_map<std::string, std::uint32_t, folded_hash, folded_equal> literals;
  std::uint32_t placeholder = 0;  // 0: none (the root is nobody's child)
  std::vector<std::pair<std::vector<element>, std::uint32_t>> patterns;
  std::vector<std::size_t> routes;  // routes ending here, one per method
};

route_index::route_index() : nodes_(1) {}
route_index::~route_index() = default;
route_index::route_index(route_index&&) noexcept = default;
route_index& route_index::operator=(route_index&&) noexcept = default;

route_index::route_index(const std::vector<route>& routes) : nodes_(1) {
  for (std::size_t r = 0; r < routes.size(); ++r) {
    std::uint32_t n = 0;
    for (const segment_pattern& seg : routes[r].segments) {
      // nodes_ may grow below: hold indices, not references, across the push_back.
      std::uint32_t next = static_cast<std::uint32_t>(nodes_.size());
      if (seg.is_literal()) {
        auto [it, added] = nodes_[n].literals.try_emplace(to_lower(seg.tokens.front().text), next);
        if (!added) next = it->second;
      } else if (seg.is_wildcard()) {
        if (nodes_[n].placeholder != 0)
          next = nodes_[n].placeholder;
        else
          nodes_[n].placeholder = next;
      } else {
        std::vector<element> pat = compile_segment(seg);
        auto& list = nodes_[n].patterns;
        auto same = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == pat; });
        if (same != list.end())
          next = same->second;
        else
          list.emplace_back(std::move(pat), next);
      }
      if (next == nodes_.size()) nodes_.emplace_back();
      n = next;
    }
    nodes_[n].routes.push_back(r);
  }
}

std::size_t route_index::node_count() const {
  return nodes_.size();
}

std::vector<std::size_t> route_index::find(const std::vector<std::string>& segments,
                                           std::size_t* visited) const {
  std::vector<std::size_t> out;
  std::size_t count = 0;
  walk(0, segments, 0, out, count);
  // Each route ends at one node and each node is reached by one path, so there are no duplicates; sorting
  // restores the routes' order (their priority) across the branches walked.
  std::sort(out.begin(), out.end());
  if (visited != nullptr) *visited = count;
  return out;
}

void route_index::walk(std::uint32_t n, const std::vector<std::string>& segments, std::size_t depth,
                       std::vector<std::size_t>& out, std::size_t& visited) const {
  ++visited;
  const node& here = nodes_[n];
  if (depth == segments.size()) {
    out.insert(out.end(), here.routes.begin(), here.routes.end());
    return;
  }
  std::string_view text = segments[depth];
  if (auto it = here.literals.find(text); it != here.literals.end())
    walk(it->second, segments, depth + 1, out, visited);
  if (here.placeholder != 0 && !text.empty()) walk(here.placeholder, segments, depth + 1, out, visited);
  for (const auto& [pat, child] : here.patterns)
    if (match_elements(pat, text)) walk(child, segments, depth + 1, out, visited);
}

route make_route(const fixture& f) {
  route r;
  r.method = f.request.method;
  for (char& c : r.method)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  std::string_view url = trim(f.request.url);
  bool relative = url.find("://") == std::string_view::npos;
  r.segments = parse_path_pattern(url_path(url));
  if (relative && !f.version.empty() &&
      (r.segments.empty() || !is_version_segment(r.segments.front(), f.version)))
    r.segments.insert(r.segments.begin(), segment_pattern{{token{false, f.version}}});
  std::size_t offset = !r.segments.empty() && is_version_segment(r.segments.front(), f.version) ? 1 : 0;
  generalize(r.segments, offset, f);

  r.key = r.method + " ";
  for (const segment_pattern& s : r.segments) {
    r.key += '/';
    bool literal_only = true;
    for (const token& t : s.tokens) {
      if (t.wildcard) {
        r.key += "{}";
        literal_only = false;
      } else {
        r.key += to_lower(t.text);
        r.literal_chars += t.text.size();
      }
    }
    if (literal_only)
      ++r.literal_segments;
    else if (!s.is_wildcard())
      ++r.partial_segments;
  }
  return r;
}


std::uint64_t fnv1a(std::uint64_t seed, std::string_view a, std::string_view b) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(seed >> (8 * i)));
  for (char c : a) mix(static_cast<unsigned char>(c));
  mix(0);
  for (char c : b) mix(static_cast<unsigned char>(c));
  // FNV's low bits are weak for small moduli; a final avalanche (splitmix64) spreads them.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

}  // namespace conform::mock::detail
