// Turning a documented example into a request that can be sent: target, placeholders, body values, headers.
#include "model/contract.hpp"
#include "run/oauth2.hpp"
#include "run/run.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <utility>

namespace conform::run {

namespace json = boost::json;

namespace {

// "v1.0", "beta", "v2": the first path segment already names the API version.
bool is_version_segment(std::string_view seg) {
  if (iequals(seg, "beta")) return true;
  return seg.size() >= 2 && (seg[0] == 'v' || seg[0] == 'V') &&
         std::isdigit(static_cast<unsigned char>(seg[1]));
}

std::string_view first_segment(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return path.substr(0, path.find_first_of("/?"));
}

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string utc_now(const char* format) {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// Documentation conventions for "some value goes here" besides the type-named ones check knows:
// "position-value",
// "@odata.type: microsoft.graph.alertStatus", "a | b | c". Only replaced where the documented type is not a
// string.
bool is_doc_placeholder(std::string_view s) {
  s = trim(s);
  auto ends_with = [&](std::string_view suffix) {
    return s.size() > suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
  };
  return ends_with("-value") || ends_with(" value") || istarts_with(s, "@odata.type") ||
         s.find(" | ") != std::string_view::npos;
}

struct body_walker {
  const fixture_set& set;
  std::vector<std::string>& substitutions;
  std::string now = utc_now("%Y-%m-%dT%H:%M:%SZ");

  // Values generated for the same place are the same in every run (a GUID from the pointer).
  sample_env samples(const std::string& pointer) const {
    return {now, [pointer] { return generated_value(pointer); }};
  }
  int depth = 0;

  void record(const std::string& pointer, const json::value& old_value, const json::value& new_value,
              std::string_view why) {
    substitutions.push_back((pointer.empty() ? std::string("/") : pointer) + ": " +
                            json::serialize(old_value) + " -> " + json::serialize(new_value) + " (" +
                            std::string(why) + ")");
  }

  // Whether `v` fails its documented type at its own level (members of objects are visited one by one).
  bool rejected(const json::value& v, const property& p) const {
    if (v.is_null()) return false;  // null clears a property in a request
    std::vector<check_result> found;
    validate_value(v, p, set, "", validate_options{}, found);
    return std::any_of(found.begin(), found.end(), [](const check_result& c) {
      return c.outcome == check_outcome::failed && c.pointer.empty();
    });
  }

  // Whether the documented type says enough to trust validation over the placeholder heuristics.
  static bool checkable(const property& p) {
    return !p.enum_values.empty() || read_type(p.type).kind != value_kind::unknown;
  }

  // A documented example value its own documented type rejects ("false" for a Boolean, a date-time for a
  // Date, "skuId-value-1" for a Guid, "" for an enum): a strict server answers 400, so a valid value goes
  // instead, keeping what the docs meant where it can be read ("true" -> true, "1974-07-22" -> midnight).
  void repair(json::value& v, const property& p, const std::string& pointer) {
    if (!checkable(p) || !rejected(v, p)) return;
    json::value nv;
    const type_ref t = read_type(p.type);
    if (t.collection && !v.is_array()) {
      nv = json::array{v};  // one item documented where a collection of them belongs
      record(pointer, v, nv, "invalid " + p.type);
      v = std::move(nv);
      return;
    }
    const value_kind kind = t.kind;
    std::string_view s = v.is_string() ? std::string_view(v.get_string()) : std::string_view();
    if (!p.enum_values.empty() && (kind == value_kind::unknown || kind == value_kind::string)) {
      // members listed for a Boolean are its values
      // A real word the members do not list ("Doughnut") is the server's to judge; an empty one is a blank.
      if (v.is_string() && !trim(s).empty()) return;
      nv = json::string(p.enum_values.front());
    } else if (kind == value_kind::boolean)
      nv = iequals(trim(s), "true");
    else if (kind == value_kind::timestamp && is_date(s))
      nv = json::string(std::string(s) + "T00:00:00Z");
    else if (kind == value_kind::date && is_timestamp(s))
      nv = json::string(std::string(s.substr(0, 10)));
    else if (auto sample = sample_value(kind, samples(pointer)))
      nv = std::move(*sample);
    else if (!v.is_string())
      nv = json::string(json::serialize(v));  // a String documented with a non-string example
    else
      return;
    record(pointer, v, nv, "invalid " + p.type);
    v = std::move(nv);
  }

  void string_value(json::value& v, const property* p, const std::string& pointer) {
    std::string_view s = v.get_string();
    std::string named = placeholder_type(s);
    if (named.empty() && !is_doc_placeholder(s)) return;  // a real value: the docs' own, sent as written
    // "Integer" for a String property is a real value that happens to name a type.
    if (p != nullptr && checkable(*p) && !rejected(v, *p)) return;
    if (p != nullptr && !p->enum_values.empty()) {
      for (const std::string& m : p->enum_values)
        if (iequals(m, s)) return;
      // "notRecording | recording | failed" lists the members: its first one is what the docs meant.
      std::string member = p->enum_values.front();
      if (std::string_view first = trim(s.substr(0, s.find('|'))); s.find('|') != std::string_view::npos)
        for (const std::string& m : p->enum_values)
          if (iequals(m, first)) member = m;
      json::value nv = json::string(member);
      record(pointer, v, nv, "member of enum " + p->type);
      v = std::move(nv);
      return;
    }
    value_kind kind = p != nullptr ? read_type(p->type).kind : value_kind::unknown;
    std::string why = p != nullptr ? p->type : named;
    if (kind == value_kind::unknown || kind == value_kind::string || kind == value_kind::any) {
      kind = read_type(named).kind;
      why = named;
    }
    std::optional<json::value> nv = sample_value(kind, samples(pointer));
    if (!nv) return;
    record(pointer, v, *nv, why);
    v = std::move(*nv);
  }

  void value(json::value& v, const property* p, const std::string& pointer) {
    if (depth > 64) return;  // documented JSON was depth-checked by extract; this guards hand-made fixtures
    if (v.is_string()) {
      string_value(v, p, pointer);
      if (p != nullptr) repair(v, *p, pointer);
    } else if (v.is_array()) {
      ++depth;
      property item;
      if (p != nullptr) {
        item = *p;
        item.type = std::string(read_type(p->type).element);
      }
      json::array& a = v.get_array();
      for (std::size_t i = 0; i < a.size(); ++i)
        value(a[i], p != nullptr ? &item : nullptr, pointer + "/" + std::to_string(i));
      --depth;
    } else if (v.is_object()) {
      ++depth;
      object(v.get_object(), scope_of(set, v, p), pointer);
      --depth;
      if (p != nullptr) repair(v, *p, pointer);
    } else if (p != nullptr) {
      repair(v, *p, pointer);
    }
  }

  void object(json::object& o, const property_scope& scope, const std::string& pointer) {
    for (auto& m : o) {
      std::string_view key = m.key();
      if (key.find('@') != std::string_view::npos) continue;  // annotations are not properties
      value(m.value(), scope.find(key), pointer_child(pointer, key));
    }
  }
};

// Hop-by-hop and computed headers: the transport writes them, a documented copy would be wrong or stale.
bool dropped_header(std::string_view name) {
  for (std::string_view n : {"Content-Length", "Authorization", "Host", "Connection", "Transfer-Encoding",
                             "Keep-Alive", "Upgrade", "TE", "Trailer"})
    if (iequals(name, n)) return true;
  return iequals(name, fixture_header);
}

void set_header(header_list& headers, std::string name, std::string value) {
  for (header& h : headers)
    if (iequals(h.name, name)) {
      h.value = std::move(value);
      return;
    }
  headers.push_back({std::move(name), std::move(value)});
}

}  // namespace

std::string rewrite_url(std::string_view documented, std::string_view base, std::string_view version) {
  documented = trim(documented);
  std::string rest;
  if (istarts_with(documented, "http://") || istarts_with(documented, "https://")) {
    std::size_t authority = documented.find("://") + 3;
    std::size_t end = documented.find_first_of("/?", authority);
    rest = end == std::string_view::npos ? "/" : std::string(documented.substr(end));
  } else {
    std::string_view path = documented;
    if (path.empty())
      return std::string(base.substr(0, base.find_last_not_of('/') + 1)) + "/" + std::string(version);
    // "graph.microsoft.com/v1.0/me": a host without a scheme; "v1.0/me" is a relative path.
    std::string_view first = first_segment(path);
    if (path.front() != '/' && first.find('.') != std::string_view::npos && !is_version_segment(first))
      path.remove_prefix(std::min(path.size(), first.size()));
    rest = path.empty() || path.front() != '/' ? "/" + std::string(path) : std::string(path);
    if (!version.empty() && !is_version_segment(first_segment(rest)))
      rest = "/" + std::string(version) + rest;
  }
  if (!rest.empty() && rest.front() == '?') rest.insert(0, "/");
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  // A target that names the version itself ("https://host/v1.0") already says where the API lives: the
  // documented version segment is not repeated ("/v1.0/v1.0/users" reached nothing).
  if (std::size_t scheme = base.find("://"); scheme != std::string_view::npos) {
    std::size_t path = base.find('/', scheme + 3);
    std::string_view last =
        path == std::string_view::npos ? std::string_view() : base.substr(base.rfind('/') + 1);
    std::string_view doc = first_segment(rest);
    if (!last.empty() && is_version_segment(last) && is_version_segment(doc) && iequals(last, doc))
      rest.erase(0, 1 + doc.size());
    if (rest.empty()) rest = "/";
  }
  return std::string(base) + rest;
}

std::string encode_url(std::string_view url) {
  static constexpr std::string_view allowed = "-._~:/?@!$&'()*+,;=";
  std::size_t scheme = url.find("://");
  std::size_t path_start = scheme == std::string_view::npos ? 0 : url.find_first_of("/?", scheme + 3);
  std::string out;
  out.reserve(url.size());
  for (std::size_t i = 0; i < url.size(); ++i) {
    auto c = static_cast<unsigned char>(url[i]);
    bool in_authority = path_start == std::string_view::npos || i < path_start;
    bool keep = std::isalnum(c) != 0 || allowed.find(static_cast<char>(c)) != std::string_view::npos ||
                (in_authority && (c == '[' || c == ']')) ||
                (c == '%' && i + 2 < url.size() && is_hex(url[i + 1]) && is_hex(url[i + 2]));
    if (c >= 0x80) keep = false;
    if (keep) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::vector<placeholder> find_placeholders(std::string_view text) {
  std::vector<placeholder> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char open = text[i];
    if (open != '{' && open != '<') continue;
    char close = open == '{' ? '}' : '>';
    std::size_t end = text.find(close, i + 1);
    if (end == std::string_view::npos || end - i > 100) continue;
    std::string_view inner = text.substr(i + 1, end - i - 1);
    // Names only: JSON in a query ({"a":1}) or markup is not a placeholder.
    bool name_like = !trim(inner).empty() && std::all_of(inner.begin(), inner.end(), [](unsigned char c) {
      return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.' || c == ' ' || c == '|' || c == '$';
    });
    if (!name_like) continue;
    placeholder p;
    p.pos = i;
    p.size = end - i + 1;
    p.text = std::string(text.substr(i, p.size));
    p.names.emplace_back(trim(inner));
    if (inner.find('|') != std::string_view::npos) {
      std::size_t start = 0;
      while (start <= inner.size()) {
        std::size_t bar = inner.find('|', start);
        std::string_view alt =
            trim(inner.substr(start, bar == std::string_view::npos ? inner.npos : bar - start));
        if (!alt.empty()) p.names.emplace_back(alt);
        if (bar == std::string_view::npos) break;
        start = bar + 1;
      }
    }
    out.push_back(std::move(p));
    i = end;
  }
  return out;
}

std::string generated_value(std::string_view seed) {
  std::uint64_t a = fnv1a(seed), b = fnv1a(seed, a ^ 0x9e3779b97f4a7c15ull);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

std::string bind_placeholders(std::string_view text, const options& opts, std::string_view where,
                              std::string_view fixture_id, std::vector<std::string>& substitutions,
                              std::vector<std::string>& unbound) {
  (void)fixture_id;
  std::string out;
  std::size_t copied = 0;
  for (const placeholder& p : find_placeholders(text)) {
    const std::string* value = nullptr;
    for (const std::string& n : p.names) {
      if (auto it = opts.variables.find(n); it != opts.variables.end()) {
        value = &it->second;
        break;
      }
    }
    if (value == nullptr)  // docs spell the same name with different case across pages
      for (const std::string& n : p.names)
        for (const auto& [k, v] : opts.variables)
          if (value == nullptr && iequals(k, n)) value = &v;
    out.append(text.substr(copied, p.pos - copied));
    copied = p.pos + p.size;
    if (value != nullptr) {
      out += *value;
      substitutions.push_back(std::string(where) + ": " + p.text + " -> " + *value);
    } else if (opts.fill_placeholders) {
      // Seeded by the name alone, so {usersId} is the same user in every request of the run.
      std::string generated = generated_value(p.names.front());
      out += generated;
      substitutions.push_back(std::string(where) + ": " + p.text + " -> " + generated + " (generated)");
    } else {
      out += p.text;
      if (std::find(unbound.begin(), unbound.end(), p.text) == unbound.end()) unbound.push_back(p.text);
    }
  }
  out.append(text.substr(copied));
  return out;
}

void substitute_body(json::value& body, const fixture& f, const fixture_set& set,
                     std::vector<std::string>& substitutions) {
  body_walker w{set, substitutions};
  if (body.is_object()) {
    w.object(body.get_object(), request_scope(f, set, body), "");
  } else {
    w.value(body, nullptr, "");
  }
}

bool is_api_host(std::string_view host) {
  if (auto colon = host.rfind(':');
      colon != std::string_view::npos && host.find(']') == std::string_view::npos)
    host = host.substr(0, colon);
  for (std::string_view api : {"graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us",
                               "microsoftgraph.chinacloudapi.cn"})
    if (iequals(host, api)) return true;
  return false;
}

std::string documented_host(std::string_view url) {
  url = trim(url);
  std::string_view host;
  if (istarts_with(url, "http://") || istarts_with(url, "https://")) {
    std::size_t authority = url.find("://") + 3;
    host = url.substr(authority, url.find_first_of("/?#", authority) - authority);
    if (auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  } else if (!url.empty() && url.front() != '/') {
    // rewrite_url's reading: "graph.microsoft.com/v1.0/me" names a host, "v1.0/me" is a path.
    std::string_view first = first_segment(url);
    if (first.find('.') != std::string_view::npos && !is_version_segment(first)) host = first;
  }
  return to_lower(host);
}

std::string mapped_host_base(std::string_view url, const options& opts) {
  if (opts.hosts.empty()) return {};
  const std::string host = documented_host(url);
  if (host.empty()) return {};
  std::string_view bare = host;
  if (auto colon = bare.rfind(':');
      colon != std::string_view::npos && bare.find(']') == std::string_view::npos)
    bare = bare.substr(0, colon);
  for (std::string_view want : {std::string_view(host), bare})
    for (const auto& [name, base] : opts.hosts)
      if (iequals(name, want)) return base;
  return {};
}

std::string foreign_host_skip(const fixture& f, const options& opts) {
  const std::string host = documented_host(f.request.url);
  if (host.empty() || is_api_host(host) || !mapped_host_base(f.request.url, opts).empty()) return {};
  return "documented URL is on host " + host + ", not the API host; map it with suite \"hosts\" to run it";
}

bool valid_version(std::string_view v) {
  return !v.empty() && v.size() <= 32 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_';
  });
}

prepared_request prepare_request(const fixture& f, const fixture_set& set, const options& opts,
                                 std::string_view base) {
  prepared_request out;
  out.method = f.request.method.empty() ? "GET" : f.request.method;
  std::vector<std::string> unbound;
  std::string url = bind_placeholders(f.request.url, opts, "url", f.id, out.substitutions, unbound);
  // A host the suite maps goes where it says; the API's hosts go to `base` (the target).
  const std::string mapped = mapped_host_base(f.request.url, opts);
  if (!mapped.empty()) base = mapped;
  const std::string& version = f.version.empty() ? opts.default_version : f.version;
  out.url = encode_url(rewrite_url(url, base, version));

  for (const header& h : f.request.headers) {
    if (dropped_header(h.name)) continue;
    set_header(out.headers, h.name,
               bind_placeholders(h.value, opts, "header " + h.name, f.id, out.substitutions, unbound));
  }
  for (const header& h : opts.headers) set_header(out.headers, h.name, h.value);
  if (!opts.bearer_token.empty()) set_header(out.headers, "Authorization", "Bearer " + opts.bearer_token);
  set_header(out.headers, std::string(fixture_header), f.id);

  if (f.request.json) {
    json::value body = *f.request.json;
    substitute_body(body, f, set, out.substitutions);
    out.body = json::serialize(body);
    if (find_header(out.headers, "Content-Type") == nullptr)
      out.headers.push_back({"Content-Type", "application/json"});
  } else {
    out.body = f.request.body;
  }

  if (!unbound.empty()) {
    out.url = rewrite_url(url, base, version);  // nothing is sent: show the placeholders as documented
    std::string list, first_name = find_placeholders(unbound.front()).front().names.back();
    for (const std::string& u : unbound) list += (list.empty() ? "" : ", ") + u;
    out.error = "unbound placeholder" + std::string(unbound.size() > 1 ? "s " : " ") + list +
                ": bind with --var " + first_name + "=VALUE, a suite \"variables\" entry or CONFORM_VAR_" +
                first_name + " (or --fill-placeholders)";
    out.unbound = std::move(unbound);
  }
  return out;
}

std::size_t shard_of(std::string_view fixture_id, std::size_t count) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a offset basis
  for (char c : fixture_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;  // FNV prime
  }
  return count <= 1 ? 1 : static_cast<std::size_t>(h % count) + 1;
}

std::pair<std::size_t, std::size_t> parse_shard(std::string_view spec) {
  auto number = [&](std::string_view s) -> std::size_t {
    if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string_view::npos)
      throw std::invalid_argument("--shard expects K/N (shard K of N, 1 <= K <= N), got \"" +
                                  std::string(spec) + "\"");
    return static_cast<std::size_t>(std::stoul(std::string(s)));
  };
  const auto slash = spec.find('/');
  if (slash == std::string_view::npos)
    throw std::invalid_argument("--shard expects K/N (shard K of N, 1 <= K <= N), got \"" +
                                std::string(spec) + "\"");
  const std::size_t k = number(spec.substr(0, slash)), n = number(spec.substr(slash + 1));
  if (n < 1 || n > 65536 || k < 1 || k > n)
    throw std::invalid_argument("--shard K/N needs 1 <= K <= N <= 65536, got " + std::string(spec));
  return {k, n};
}

bool selected(std::string_view fixture_id, const options& opts) {
  if (opts.shard_count > 1 && shard_of(fixture_id, opts.shard_count) != opts.shard_index) return false;
  bool in =
      opts.include.empty() || std::any_of(opts.include.begin(), opts.include.end(),
                                          [&](const std::string& g) { return glob_match(g, fixture_id); });
  return in && std::none_of(opts.exclude.begin(), opts.exclude.end(),
                            [&](const std::string& g) { return glob_match(g, fixture_id); });
}

namespace {

void insert_secret(std::vector<std::string>& secrets, std::string value) {
  if (value.empty() || value == "***") return;
  if (std::find(secrets.begin(), secrets.end(), value) != secrets.end()) return;
  secrets.push_back(std::move(value));
  std::stable_sort(secrets.begin(), secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

// "http://user:password@proxy:3128": the password, the pair, and the pair as Basic credentials
// (Proxy-Authorization), which an echoing server or proxy error page could show.
void add_proxy_secrets(std::vector<std::string>& secrets, std::string_view proxy) {
  const auto scheme = proxy.find("://");
  if (scheme == std::string_view::npos) return;
  const std::string_view authority =
      proxy.substr(scheme + 3, proxy.find_first_of("/?#", scheme + 3) - scheme - 3);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return;
  const std::string_view userinfo = authority.substr(0, at);
  if (const auto colon = userinfo.find(':'); colon != std::string_view::npos)
    insert_secret(secrets, std::string(userinfo.substr(colon + 1)));
  insert_secret(secrets, std::string(userinfo));
  // Percent-decoded, as it goes into the Basic credentials.
  std::string decoded;
  for (std::size_t i = 0; i < userinfo.size(); ++i) {
    if (userinfo[i] == '%' && i + 2 < userinfo.size() &&
        std::isxdigit(static_cast<unsigned char>(userinfo[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(userinfo[i + 2]))) {
      decoded += static_cast<char>(std::stoi(std::string(userinfo.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      decoded += userinfo[i];
    }
  }
  if (const auto colon = decoded.find(':'); colon != std::string::npos)
    insert_secret(secrets, decoded.substr(colon + 1));
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string basic;
  for (std::size_t i = 0; i < decoded.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, decoded.size() - i);
    unsigned v = 0;
    for (std::size_t k = 0; k < 3; ++k)
      v = (v << 8) | (k < n ? static_cast<unsigned char>(decoded[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) basic += k <= n ? alphabet[(v >> (18 - 6 * k)) & 63] : '=';
  }
  insert_secret(secrets, basic);
}

}  // namespace

redactor::redactor(const options& opts) : secret_headers_(opts.secret_headers), tokens_(opts.oauth2.get()) {
  add_secret(opts.bearer_token);
  for (const std::string* proxy : {&opts.http_proxy, &opts.https_proxy}) add_proxy_secrets(secrets_, *proxy);
  for (const header& h : opts.headers)
    if (is_secret_header(h.name)) {
      add_secret(h.value);
      // "Bearer abc" / "Basic abc": the credential alone may show up elsewhere (an echoing server).
      std::string_view v = trim(h.value);
      if (auto sp = v.find(' '); sp != std::string_view::npos)
        add_secret(std::string(trim(v.substr(sp + 1))));
    }
  // https://user:password@host: the userinfo is a credential too.
  std::string_view t = opts.target;
  if (auto scheme = t.find("://"); scheme != std::string_view::npos) {
    std::string_view authority = t.substr(scheme + 3, t.find_first_of("/?#", scheme + 3) - scheme - 3);
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
      std::string_view userinfo = authority.substr(0, at);
      if (auto colon = userinfo.find(':'); colon != std::string_view::npos)
        add_secret(std::string(userinfo.substr(colon + 1)));
    }
  }
}

void redactor::add_secret(std::string value) {
  insert_secret(secrets_, std::move(value));
}

void redactor::sync() const {
  if (tokens_ == nullptr) return;
  const std::vector<std::string>& fetched = tokens_->secrets();
  for (; tokens_seen_ < fetched.size(); ++tokens_seen_) insert_secret(secrets_, fetched[tokens_seen_]);
}

bool redactor::is_secret_header(std::string_view name) const {
  for (std::string_view n : {"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "api-key",
                             "x-api-key", "Ocp-Apim-Subscription-Key"})
    if (iequals(name, n)) return true;
  return std::any_of(secret_headers_.begin(), secret_headers_.end(),
                     [&](const std::string& s) { return iequals(s, name); });
}

namespace {

// Text for humans is cut at 200 bytes with "..." (model's shorten, the reports' own cut) before it reaches
// the redactor, so a secret straddling a cut is there only in part and is not found whole: its first half was
// shown (tok3nABCDEFGHIJKL...). Before each cut mark, the longest run that begins a secret goes too. A cut
// shows at most a few hundred bytes, so no longer run is looked for.
void redact_cut_secrets(std::string& out, const std::vector<std::string>& secrets) {
  constexpr std::size_t longest_cut_run = 512;
  for (std::size_t mark = out.find("..."); mark != std::string::npos; mark = out.find("...", mark + 3)) {
    std::size_t run = 0;  // bytes before the mark that begin some secret
    for (const std::string& s : secrets) {
      const std::size_t most = std::min({s.size() - 1, mark, longest_cut_run});
      for (std::size_t from = mark - most; from < mark && mark - from > run; ++from)
        if (out.compare(from, mark - from, s, 0, mark - from) == 0) {
          run = mark - from;
          break;
        }
    }
    if (run == 0) continue;
    out.replace(mark - run, run, "***");
    mark = mark - run + 3;
  }
}

}  // namespace

std::string redactor::operator()(std::string_view text) const {
  sync();
  std::string out(text);
  for (const std::string& s : secrets_) {
    std::size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), "***");
      pos += 3;
    }
  }
  redact_cut_secrets(out, secrets_);
  return out;
}

void redactor::apply(case_result& c) const {
  sync();
  if (secrets_.empty()) return;
  auto fix = [&](std::string& s) { s = (*this)(s); };
  fix(c.url);
  fix(c.error_message);
  fix(c.skip_reason);
  for (std::string& s : c.substitutions) fix(s);
  for (std::string& s : c.notes) fix(s);
  for (check_result& k : c.checks) {
    fix(k.pointer);
    fix(k.expected);
    fix(k.actual);
    fix(k.message);
  }
  // Excerpts were redacted before their bodies were cut (response_excerpt); this catches nothing new there
  // and is kept so that no string of a case escapes redaction.
  fix(c.curl);
  for (attempt_record& a : c.attempts_detail) {
    fix(a.message);
    fix(a.details);
  }
  for (auto* e : {&c.response, &c.request}) {
    if (!*e) continue;
    fix((*e)->url);
    fix((*e)->reason);
    for (header& h : (*e)->headers) fix(h.value);
  }
}

}  // namespace conform::run
