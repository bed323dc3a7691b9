// Suite files: the command line's settings, checked into a repository next to the docs they replay.
#include "run/run.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace conform::run {

namespace json = boost::json;

namespace {

struct reader {
  std::string name;  // the suite file, for messages
  std::filesystem::path base_dir;

  [[noreturn]] void fail(const std::string& what) const { throw std::invalid_argument(name + ": " + what); }

  std::string string(const json::value& v, std::string_view key) const {
    if (!v.is_string()) fail("\"" + std::string(key) + "\" must be a string");
    return std::string(v.get_string());
  }
  bool boolean(const json::value& v, std::string_view key) const {
    if (!v.is_bool()) fail("\"" + std::string(key) + "\" must be true or false");
    return v.get_bool();
  }
  // Integers beyond long long saturate (still out of any range) instead of wrapping to a negative number.
  long long integer(const json::value& v, std::string_view key, long long min) const {
    if (!v.is_int64() && !v.is_uint64()) fail("\"" + std::string(key) + "\" must be an integer");
    long long n = v.is_int64() ? v.get_int64()
                               : static_cast<long long>(std::min<std::uint64_t>(
                                     v.get_uint64(), std::numeric_limits<long long>::max()));
    if (n < min) fail("\"" + std::string(key) + "\" must be at least " + std::to_string(min));
    return n;
  }
  // Checked before it is narrowed to the option's type, so a value cannot wrap into the range.
  long long in_range(const json::value& v, const setting_range& r) const {
    long long n = integer(v, r.name, std::numeric_limits<long long>::min());
    if (n < r.min || n > r.max) fail(out_of_range_message(r, "\"" + std::string(r.name) + "\"", n));
    return n;
  }
  std::vector<std::string> strings(const json::value& v, std::string_view key) const {
    if (!v.is_array()) fail("\"" + std::string(key) + "\" must be an array of strings");
    std::vector<std::string> out;
    for (const json::value& e : v.get_array()) out.push_back(string(e, key));
    return out;
  }
  const json::object& object(const json::value& v, std::string_view key) const {
    if (!v.is_object()) fail("\"" + std::string(key) + "\" must be an object");
    return v.get_object();
  }
  std::string path(const std::string& p) const {
    std::filesystem::path fp(p);
    return (fp.is_absolute() ? fp : base_dir / fp).lexically_normal().string();
  }
};

// What a waiver's "check" may name: a check id or an error stage, as reports spell them.
bool known_waiver_check(std::string_view name) {
  for (int c = 0; c <= static_cast<int>(check_id::unexpected_property); ++c)
    if (name == to_string(static_cast<check_id>(c))) return true;
  for (int e = static_cast<int>(run_error::url); e <= static_cast<int>(run_error::placeholder); ++e)
    if (name == stage_name(static_cast<run_error>(e))) return true;
  return false;
}

// A variable's value: numbers are convenient for ids; they bind as their text.
std::string scalar_text(const reader& r, const json::value& v, std::string_view name) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  r.fail("variable \"" + std::string(name) + "\" must be a string");
}

// Suites are written by hand: accept both "connect_timeout" and "connect-timeout".
std::string normalize_key(std::string_view key) {
  std::string k(key);
  for (char& c : k)
    if (c == '-') c = '_';
  return k;
}

}  // namespace

suite parse_suite(std::string_view text, const std::filesystem::path& base_dir, std::string_view name) {
  reader r{std::string(name), base_dir};
  json::parse_options po;
  po.allow_comments = true;
  po.allow_trailing_commas = true;
  po.max_depth = 32;
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec, {}, po);
  if (ec) r.fail("not valid JSON: " + ec.message());
  const json::object& root = r.object(doc, "the suite");

  suite s;
  for (const auto& m : root) {
    std::string key = normalize_key(m.key());
    const json::value& v = m.value();
    if (key == "target") {
      s.target = r.string(v, key);
    } else if (key == "variables" || key == "vars") {
      for (const auto& e : r.object(v, key)) {
        s.variables[std::string(e.key())] = scalar_text(r, e.value(), e.key());
      }
    } else if (key == "headers") {
      for (const auto& e : r.object(v, key))
        s.headers.push_back({std::string(e.key()), r.string(e.value(), key)});
    } else if (key == "secret_headers") {
      s.secret_headers = r.strings(v, key);
    } else if (key == "paths") {
      for (const std::string& p : r.strings(v, key)) s.paths.push_back(r.path(p));
    } else if (key == "include" || key == "filter") {
      s.include = r.strings(v, key);
    } else if (key == "exclude") {
      s.exclude = r.strings(v, key);
    } else if (key == "overrides") {
      for (const auto& e : r.object(v, key)) {
        fixture_override o;
        for (const auto& f : r.object(e.value(), "overrides." + std::string(e.key()))) {
          if (f.key() == "status")
            o.status = static_cast<int>(r.integer(f.value(), "status", 100));
          else if (f.key() == "skip")
            o.skip = r.string(f.value(), "skip");
          else
            r.fail("unknown override \"" + std::string(f.key()) + "\" for \"" + std::string(e.key()) +
                   "\" (status or skip expected)");
        }
        s.overrides[std::string(e.key())] = std::move(o);
      }
    } else if (key == "bearer_env") {
      s.bearer_env = r.string(v, key);
    } else if (key == "concurrency") {
      s.concurrency = static_cast<std::size_t>(r.in_range(v, concurrency_range));
    } else if (key == "max_body") {
      s.max_body = static_cast<std::size_t>(r.integer(v, key, 0));
    } else if (key == "timeout") {
      s.timeout_ms = r.in_range(v, timeout_range);
    } else if (key == "connect_timeout") {
      s.connect_timeout_ms = r.in_range(v, connect_timeout_range);
    } else if (key == "retries") {
      s.retries = static_cast<int>(r.in_range(v, retries_range));
    } else if (key == "rerun_failures") {
      s.rerun_failures = static_cast<int>(r.in_range(v, rerun_failures_range));
    } else if (key == "retry_unsafe") {
      s.retry_unsafe = r.boolean(v, key);
    } else if (key == "rate") {
      if (!v.is_number() || v.to_number<double>() < 0)
        r.fail("\"rate\" must be a number of requests per second (0 = unlimited)");
      s.rate = v.to_number<double>();
    } else if (key == "cacert") {
      s.cacert = r.path(r.string(v, key));
    } else if (key == "insecure") {
      s.insecure = r.boolean(v, key);
    } else if (key == "strict_enums") {
      s.strict_enums = r.boolean(v, key);
    } else if (key == "strict_properties") {
      s.strict_properties = r.boolean(v, key);
    } else if (key == "fill_placeholders") {
      s.fill_placeholders = r.boolean(v, key);
    } else if (key == "odata_type") {
      s.odata_type = parse_odata_type_mode(r.string(v, key));
      if (!s.odata_type) r.fail("\"odata_type\" must be \"odata\", \"required\" or \"if-present\"");
    } else if (key == "metadata") {
      // One document or a list: "v1.0=graph.csdl", "https://host/beta/$metadata".
      for (const std::string& spec :
           v.is_string() ? std::vector<std::string>{std::string(v.get_string())} : r.strings(v, key)) {
        metadata_spec ms = parse_metadata_spec(spec);
        if (ms.location.empty())
          r.fail("\"metadata\" entries are [VERSION=]PATH_OR_URL, got \"" + spec + "\"");
        if (!ms.is_url()) ms.location = r.path(ms.location);
        s.metadata.push_back(ms.version.empty() ? ms.location : ms.version + "=" + ms.location);
      }
    } else if (key == "waivers") {
      if (!v.is_array())
        r.fail("\"waivers\" must be an array of {\"fixture\", \"check\", \"reason\", \"until\"}");
      for (const json::value& e : v.get_array()) {
        waiver w;
        for (const auto& f : r.object(e, "waivers[]")) {
          if (f.key() == "fixture")
            w.fixture = r.string(f.value(), "fixture");
          else if (f.key() == "check")
            w.check = r.string(f.value(), "check");
          else if (f.key() == "reason")
            w.reason = r.string(f.value(), "reason");
          else if (f.key() == "until")
            w.until = r.string(f.value(), "until");
          else
            r.fail("unknown waiver field \"" + std::string(f.key()) + "\" (fixture, check, reason, until)");
        }
        if (w.fixture.empty()) r.fail("a waiver needs \"fixture\" (a glob on fixture ids)");
        if (w.reason.empty()) r.fail("the waiver for \"" + w.fixture + "\" needs a \"reason\"");
        if (!w.until.empty() && !valid_date(w.until))
          r.fail("the waiver for \"" + w.fixture + "\": \"until\" must be a date YYYY-MM-DD, got \"" +
                 w.until + "\"");
        if (!w.check.empty() && !known_waiver_check(w.check))
          r.fail(
              "the waiver for \"" + w.fixture + "\": unknown check \"" + w.check +
              "\" (a check such as status, content-type, json, odata-type, required-property, property-type, "
              "enum, unexpected-property, or an error stage such as connect, timeout)");
        s.waivers.push_back(std::move(w));
      }
    } else if (key == "scopes") {
      if (!v.is_array())
        r.fail(
            "\"scopes\" must be an array of {\"match\", \"methods\", \"variables\", \"headers\", "
            "\"status\", \"skip\"}");
      for (const json::value& e : v.get_array()) {
        scope sc;
        for (const auto& f : r.object(e, "scopes[]")) {
          const std::string field = normalize_key(f.key());
          if (field == "match") {
            sc.match = f.value().is_string() ? std::vector<std::string>{std::string(f.value().get_string())}
                                             : r.strings(f.value(), "match");
          } else if (field == "methods") {
            for (std::string method : r.strings(f.value(), "methods")) {
              for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
              sc.methods.push_back(std::move(method));
            }
          } else if (field == "variables" || field == "vars") {
            for (const auto& kv : r.object(f.value(), "scopes[].variables"))
              sc.variables[std::string(kv.key())] = scalar_text(r, kv.value(), kv.key());
          } else if (field == "headers") {
            for (const auto& kv : r.object(f.value(), "scopes[].headers"))
              sc.headers.push_back({std::string(kv.key()), r.string(kv.value(), "headers")});
          } else if (field == "status") {
            sc.status = static_cast<int>(r.integer(f.value(), "status", 100));
          } else if (field == "skip") {
            sc.skip = r.string(f.value(), "skip");
          } else {
            r.fail("unknown scope field \"" + std::string(f.key()) +
                   "\" (match, methods, variables, headers, status, skip)");
          }
        }
        if (sc.match.empty()) r.fail("a scope needs \"match\" (fixture-id globs)");
        s.scopes.push_back(std::move(sc));
      }
    } else if (key == "captures") {
      if (!v.is_array()) r.fail("\"captures\" must be an array of {\"from\", \"pointer\", \"as\"}");
      for (const json::value& e : v.get_array()) {
        capture_rule c;
        for (const auto& f : r.object(e, "captures[]")) {
          if (f.key() == "from")
            c.from = r.string(f.value(), "from");
          else if (f.key() == "pointer")
            c.pointer = r.string(f.value(), "pointer");
          else if (f.key() == "as")
            c.as = r.string(f.value(), "as");
          else
            r.fail("unknown capture field \"" + std::string(f.key()) + "\" (from, pointer, as)");
        }
        if (c.from.empty() || c.as.empty()) r.fail("a capture needs \"from\" (a fixture-id glob) and \"as\"");
        if (c.pointer.empty()) c.pointer = "/id";
        if (c.pointer.front() != '/')
          r.fail("the capture \"" + c.as + "\": \"pointer\" must be a JSON pointer such as \"/id\"");
        s.captures.push_back(std::move(c));
      }
    } else if (key == "read_only") {
      s.read_only = r.boolean(v, key);
    } else if (key == "keep_created") {
      s.keep_created = r.boolean(v, key);
    } else if (key == "methods") {
      for (std::string method : r.strings(v, key)) {
        for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        s.methods.push_back(std::move(method));
      }
    } else if (key == "default_version") {
      s.default_version = r.string(v, key);
      if (!valid_version(*s.default_version))
        r.fail("\"default_version\" must be an API version such as \"v1.0\" or \"beta\", got \"" +
               *s.default_version + "\"");
    } else if (key == "hosts") {
      // {"uploads.example.com": "https://where"}: documented URLs on that host are sent there.
      for (const auto& e : r.object(v, key)) {
        std::string base = r.string(e.value(), "hosts." + std::string(e.key()));
        if (!istarts_with(base, "http://") && !istarts_with(base, "https://"))
          r.fail("\"hosts\": \"" + std::string(e.key()) +
                 "\" must map to an http:// or https:// URL, got \"" + base + "\"");
        s.hosts[to_lower(e.key())] = std::move(base);
      }
    } else if (key == "junit") {
      s.junit = r.path(r.string(v, key));
    } else if (key == "json") {
      s.json = r.path(r.string(v, key));
    } else if (key == "oauth2_token_url") {
      s.oauth2_token_url = r.string(v, key);
    } else if (key == "client_id") {
      s.client_id = r.string(v, key);
    } else if (key == "client_secret_env") {
      s.client_secret_env = r.string(v, key);
    } else if (key == "client_secret") {
      // A secret in a file that is committed next to the docs would leak; only its variable's name goes here.
      r.fail(
          "\"client_secret\" is not read from a suite: name the environment variable holding it with "
          "\"client_secret_env\"");
    } else if (key == "scope") {
      s.oauth2_scope = r.string(v, key);
    } else if (key == "proxy") {
      s.proxy = r.string(v, key);
    } else if (key == "lint") {
      // `conform lint --suite` reads it (severity and selection); a run has nothing to do with it.
      r.object(v, key);
    } else if (key == "description" || key == "name" || key == "$schema") {
      // For people reading the suite.
    } else {
      // A typo ("varibles") silently ignored would make a confusing run; say it.
      r.fail("unknown setting \"" + std::string(m.key()) + "\"");
    }
  }
  return s;
}

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  const int year = std::stoi(std::string(d.substr(0, 4))), month = std::stoi(std::string(d.substr(5, 2))),
            day = std::stoi(std::string(d.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return day <= days[month - 1];
}

bool waiver_live(const waiver& w, std::string_view today) {
  return w.until.empty() || today <= std::string_view(w.until);  // YYYY-MM-DD compares as text
}

std::string describe(const waiver& w) {
  return w.fixture + (w.check.empty() ? "" : " [" + w.check + "]") +
         (w.until.empty() ? "" : " until " + w.until) + ": " + w.reason;
}

bool metadata_spec::is_url() const {
  return istarts_with(location, "http://") || istarts_with(location, "https://");
}

metadata_spec parse_metadata_spec(std::string_view spec) {
  spec = trim(spec);
  metadata_spec m;
  // "v1.0=path": the part before '=' is a version only when it cannot be part of a path or URL.
  if (auto eq = spec.find('='); eq != std::string_view::npos && eq > 0 &&
                                spec.substr(0, eq).find_first_of("/\\:?") == std::string_view::npos) {
    m.version = std::string(trim(spec.substr(0, eq)));
    spec = trim(spec.substr(eq + 1));
  }
  m.location = std::string(spec);
  return m;
}

std::string out_of_range_message(const setting_range& r, std::string_view as, long long got) {
  return std::string(as) + " must be between " + std::to_string(r.min) + " and " + std::to_string(r.max) +
         (r.unit.empty() ? "" : " ") + std::string(r.unit) + ", got " + std::to_string(got);
}

void validate(const options& o) {
  auto check = [](const setting_range& r, long long got) {
    if (got < r.min || got > r.max) {
      std::string flag = "--" + std::string(r.name);
      std::replace(flag.begin(), flag.end(), '_', '-');
      throw std::invalid_argument(out_of_range_message(r, flag, got));
    }
  };
  check(concurrency_range,
        static_cast<long long>(std::min<std::size_t>(
            o.concurrency, static_cast<std::size_t>(std::numeric_limits<long long>::max()))));
  check(timeout_range, o.timeout.count());
  check(connect_timeout_range, o.connect_timeout.count());
  check(retries_range, o.retries);
  check(rerun_failures_range, o.rerun_failures);
}

suite load_suite(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument(file.string() + ": cannot read the suite file");
  std::ostringstream text;
  text << in.rdbuf();
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  return parse_suite(text.str(), dir, file.string());
}

}  // namespace conform::run
