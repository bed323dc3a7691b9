// The `conform extract` document, written straight to text: the corpus yields thousands of fixtures and
// building a DOM first (copying every body) cost a quarter of extraction time. Strings come from arbitrary
// documents, so invalid UTF-8 is replaced on the way out.
#include "extract/extract.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <unordered_map>

namespace conform::extract {
namespace {

// Length of the valid UTF-8 sequence at s[i], 0 when invalid (overlongs, surrogates and > U+10FFFF rejected).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;
  if (c == 0xED && b(i + 1) > 0x9F) return 0;
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;
  if (c == 0xF4 && b(i + 1) > 0x8F) return 0;
  return n;
}

class writer {
 public:
  explicit writer(std::string& out) : sink_([&out](std::string_view s) { out.append(s); }) {}
  explicit writer(std::function<void(std::string_view)> sink) : sink_(std::move(sink)) {}
  ~writer() { flush(); }
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  // Output goes through a small buffer: the document is made of many short pieces, and a std::string append
  // costs several times a copy into the buffer.
  void put(char c) {
    if (n_ == sizeof buf_) flush();
    buf_[n_++] = c;
  }
  void put(std::string_view s) {
    if (s.empty()) return;
    if (s.size() > sizeof buf_ - n_) {
      flush();
      if (s.size() > sizeof buf_) {
        sink_(s);
        return;
      }
    }
    std::memcpy(buf_ + n_, s.data(), s.size());
    n_ += s.size();
  }
  void flush() {
    if (n_) sink_(std::string_view(buf_, n_));
    n_ = 0;
  }

  writer& str(std::string_view s) {
    put('"');
    for (std::size_t i = 0; i < s.size();) {
      std::size_t run = i;  // plain ASCII needs no escaping: append it in one go
      // Eight bytes at a time: the word is clean when no byte is >= 0x80, < 0x20, '"' or '\\'. The bit tricks
      // can flag a clean byte only after a flagged one, so a clean word is never missed.
      while (s.size() - run >= 8) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + run, 8);
        constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
        std::uint64_t quote = x ^ (ones * '"'), slash = x ^ (ones * '\\');
        std::uint64_t flagged =
            (x | ((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) | ((slash - ones) & ~slash));
        if ((flagged & highs) != 0) break;
        run += 8;
      }
      while (run < s.size()) {
        unsigned char r = static_cast<unsigned char>(s[run]);
        if (r < 0x20 || r >= 0x80 || r == '"' || r == '\\') break;
        ++run;
      }
      if (run > i) {
        put(std::string_view(s.data() + i, run - i));
        i = run;
        continue;
      }
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        switch (c) {
          case '"':
            put("\\\"");
            break;
          case '\\':
            put("\\\\");
            break;
          case '\n':
            put("\\n");
            break;
          case '\r':
            put("\\r");
            break;
          case '\t':
            put("\\t");
            break;
          default: {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            put(std::string_view(buf));
          }
        }
        ++i;
        continue;
      }
      std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        put("\xEF\xBF\xBD");
        ++i;
      } else {
        put(s.substr(i, n));
        i += n;
      }
    }
    put('"');
    return *this;
  }
  // Keys are the writer's own plain ASCII names: no escaping needed.
  writer& key(std::string_view k) {
    comma();
    put('"');
    put(k);
    put(std::string_view("\":", 2));
    fresh_ = true;  // the value follows without a comma
    return *this;
  }
  writer& raw(std::string_view s) {
    comma();
    put(s);
    return *this;
  }
  // Serialises straight into the output, without a temporary string per body.
  writer& json(const boost::json::value& v) {
    comma();
    boost::json::serializer sr;
    sr.reset(&v);
    while (!sr.done()) {
      char buf[4096];
      put(sr.read(buf, sizeof buf));
    }
    return *this;
  }
  writer& value(std::string_view s) {
    comma();
    return str(s);
  }
  writer& value(bool b) { return raw(b ? "true" : "false"); }
  writer& value(std::size_t n) { return number(n); }
  writer& value(int n) { return number(n); }
  writer& open(char c) {
    comma();
    put(c);
    fresh_ = true;
    return *this;
  }
  writer& close(char c) {
    put(c);
    fresh_ = false;
    return *this;
  }

 private:
  template <class Int>
  writer& number(Int n) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    return raw(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  }
  void comma() {
    if (!fresh_) put(',');
    fresh_ = false;
  }
  std::function<void(std::string_view)> sink_;
  char buf_[16384];
  std::size_t n_ = 0;
  bool fresh_ = true;
};

void write_headers(writer& w, const header_list& hs) {
  w.open('[');
  for (const auto& h : hs) w.open('{').key("name").value(h.name).key("value").value(h.value).close('}');
  w.close(']');
}

// The parsed body when there is one (so tools need not re-parse), else the raw text, else null.
void write_body(writer& w, const std::string& text, const std::optional<boost::json::value>& json) {
  if (json)
    w.json(*json);  // Boost.JSON output of a parsed value is valid JSON
  else if (text.empty())
    w.raw("null");
  else
    w.value(text);
}

void write_strings(writer& w, const std::vector<std::string>& v) {
  w.open('[');
  for (const auto& s : v) w.value(s);
  w.close(']');
}

void write_properties(writer& w, const std::vector<property>& properties) {
  w.open('[');
  for (const auto& p : properties) {
    w.open('{').key("name").value(p.name).key("type").value(p.type).key("enum");
    write_strings(w, p.enum_values);
    w.key("required").value(p.required).key("nullable").value(p.nullable).close('}');
  }
  w.close(']');
}

// `properties` as JSON text is taken from `shared` when the list is a type's (shared by every fixture of the
// type: a type such as user is written once, not once per fixture), else written.
void write_fixture(writer& w, const fixture& f, const std::vector<property>& properties,
                   std::unordered_map<const std::vector<property>*, std::string>* shared = nullptr) {
  w.open('{');
  w.key("id").value(f.id).key("page").value(f.page);
  w.key("source").open('{').key("file").value(f.file).key("line").value(f.line).close('}');
  w.key("version").value(f.version).key("runnable").value(f.runnable);
  w.key("not_runnable_reason").value(f.not_runnable_reason).key("expect_error").value(f.expect_error);
  w.key("request").open('{').key("method").value(f.request.method).key("url").value(f.request.url);
  w.key("headers");
  write_headers(w, f.request.headers);
  w.key("body");
  write_body(w, f.request.body, f.request.json);
  w.key("body_is_json").value(f.request.json.has_value()).key("line").value(f.request.line).close('}');
  w.key("response").open('{').key("status").value(f.response.status).key("headers");
  write_headers(w, f.response.headers);
  w.key("body");
  write_body(w, f.response.body, f.response.json);
  w.key("body_is_json").value(f.response.json.has_value()).key("truncated").value(f.response.truncated);
  w.key("is_collection").value(f.response.is_collection).key("odata_type").value(f.response.odata_type);
  w.key("line").value(f.response.line).close('}');
  w.key("properties");
  if (shared && &properties != &f.properties) {
    auto [it, fresh] = shared->try_emplace(&properties);
    if (fresh) {
      writer text(it->second);
      write_properties(text, properties);
    }
    w.raw(it->second);
  } else {
    write_properties(w, properties);
  }
  w.key("optional_properties");
  write_strings(w, f.optional_properties);
  w.key("nullable_properties");
  write_strings(w, f.nullable_properties);
  w.key("endpoint_templates");
  write_strings(w, f.endpoint_templates);
  w.close('}');
}

void write_diagnostic(writer& w, const diagnostic& d) {
  w.open('{').key("file").value(d.file).key("line").value(d.line).key("severity").value(to_string(d.level));
  w.key("code").value(d.code).key("message").value(d.message).close('}');
}

}  // namespace

void write_json_text(const fixture_set& set, const std::function<void(std::string_view)>& sink) {
  writer w(sink);
  w.open('{').key("fixtures").open('[');
  std::unordered_map<const std::vector<property>*, std::string> shared;
  for (const auto& f : set.fixtures) {
    write_fixture(w, f, set.properties_of(f), &shared);
    w.put('\n');  // one fixture a line: diff- and grep-friendly
  }
  w.close(']').key("diagnostics").open('[');
  for (const auto& d : set.diagnostics) write_diagnostic(w, d);
  w.close(']').close('}');
  w.put('\n');
}

std::string to_json_text(const fixture_set& set) {
  std::string out;
  write_json_text(set, [&out](std::string_view piece) { out.append(piece); });
  return out;
}

boost::json::value to_json(const fixture_set& set) {
  return boost::json::parse(to_json_text(set));
}

boost::json::value to_json(const fixture& f) {
  std::string out;
  writer w(out);
  write_fixture(w, f, f.properties);
  w.flush();
  return boost::json::parse(out);
}

boost::json::value to_json(const diagnostic& d) {
  std::string out;
  writer w(out);
  write_diagnostic(w, d);
  w.flush();
  return boost::json::parse(out);
}

}  // namespace conform::extract
