#include "report/report.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <cerrno>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace conform::report {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::error_code last_error() {
  return {errno, std::system_category()};
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid (overlong, surrogate,
// truncated).
std::size_t utf8_length(std::string_view s, std::size_t i, char32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  unsigned b = byte(i);
  if (b < 0x80) {
    cp = b;
    return 1;
  }
  if (b >= 0xC2 && b <= 0xDF && cont(i + 1)) {
    cp = ((b & 0x1Fu) << 6) | (byte(i + 1) & 0x3Fu);
    return 2;
  }
  if (b >= 0xE0 && b <= 0xEF) {
    unsigned lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    if (cont(i + 1, lo, hi) && cont(i + 2)) {
      cp = ((b & 0x0Fu) << 12) | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu);
      return 3;
    }
    return 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    unsigned lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    if (cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3)) {
      cp = ((b & 0x07u) << 18) | ((byte(i + 1) & 0x3Fu) << 12) | ((byte(i + 2) & 0x3Fu) << 6) |
           (byte(i + 3) & 0x3Fu);
      return 4;
    }
  }
  return 0;
}

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

template <class Keep>
std::string filter_utf8(std::string_view s, Keep keep) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    std::size_t n = utf8_length(s, i, cp);
    if (n == 0) {
      out += replacement;
      ++i;
      continue;
    }
    if (keep(cp)) out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

json::string js(std::string_view s) {
  return json::string(valid_utf8(s));
}

}  // namespace

std::string valid_utf8(std::string_view s) {
  return filter_utf8(s, [](char32_t) { return true; });
}

std::string xml_clean(std::string_view s) {
  return filter_utf8(s, [](char32_t cp) {
    if (cp < 0x20) return cp == 0x09 || cp == 0x0A || cp == 0x0D;
    return cp != 0xFFFE && cp != 0xFFFF;
  });
}

std::string xml_escape_attribute(std::string_view s) {
  std::string clean = xml_clean(s), out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      // Literal whitespace in attributes is normalised to spaces by parsers; references survive.
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string xml_cdata(std::string_view s) {
  std::string clean = xml_clean(s), out = "<![CDATA[";
  std::size_t start = 0;
  for (std::size_t pos; (pos = clean.find("]]>", start)) != std::string::npos; start = pos + 2) {
    out.append(clean, start, pos + 2 - start);
    out += "]]><![CDATA[";
  }
  out.append(clean, start);
  out += "]]>";
  return out;
}

std::string summary_line(const run_summary& s) {
  return std::to_string(s.passed) + " passed, " + std::to_string(s.failed) + " failed, " +
         std::to_string(s.errors) + " errors, " + std::to_string(s.skipped) + " skipped";
}

void write_file_atomic(const fs::path& path, std::string_view content, std::error_code& ec) {
  write_file_atomic(
      path, [&](const chunk_sink& sink) { sink(content); }, ec);
}

void write_file_atomic(const fs::path& path, const std::function<void(const chunk_sink&)>& produce,
                       std::error_code& ec) {
  ec.clear();
  fs::path dir = path.parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) return;
  }
  static std::atomic<unsigned> counter{0};
  // Built with append: GCC 12's -Wrestrict misfires on a chain of operator+ here (a known false positive).
  std::string name = ".";
  name.append(path.filename().string()).append(".tmp.").append(std::to_string(::getpid()));
  name.append(".").append(std::to_string(counter++));
  fs::path tmp = dir / name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    ec = last_error();
    return;
  }
  auto fail = [&] {
    ::close(fd);
    ::unlink(tmp.c_str());
  };
  std::error_code write_error;
  produce([&](std::string_view piece) {
    for (std::size_t done = 0; !write_error && done < piece.size();) {
      ssize_t n = ::write(fd, piece.data() + done, piece.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        write_error = last_error();
      } else {
        done += static_cast<std::size_t>(n);
      }
    }
  });
  if (write_error) {
    ec = write_error;
    return fail();
  }
  // Without fsync a crash after rename can leave an empty file under the final name.
  if (::fsync(fd) != 0) {
    ec = last_error();
    return fail();
  }
  if (::close(fd) != 0) {
    ec = last_error();
    ::unlink(tmp.c_str());
    return;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ec = last_error();
    ::unlink(tmp.c_str());
    return;
  }
  // Persist the rename itself; failure here does not undo a completed write, so it is not reported.
  if (int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::string json_report(const run_result& run) {
  run_summary s = run.summary();
  json::object root;
  root["summary"] = {{"total", run.cases.size()},
                     {"passed", s.passed},
                     {"failed", s.failed},
                     {"errors", s.errors},
                     {"skipped", s.skipped}};
  root["started_at"] = js(run.started_at);
  root["seconds"] = run.seconds;
  json::array props;
  for (const auto& [name, value] : run.properties)
    props.push_back({{"name", js(name)}, {"value", js(value)}});
  root["properties"] = std::move(props);
  json::array cases;
  for (const auto& c : run.cases) {
    json::object o;
    o["id"] = js(c.fixture_id);
    o["page"] = js(c.page);
    o["file"] = js(c.file);
    o["line"] = c.line;
    o["method"] = js(c.method);
    o["url"] = js(c.url);
    o["outcome"] = to_string(c.outcome);
    o["status"] = c.status;
    o["seconds"] = c.seconds;
    o["attempts"] = c.attempts;
    o["passed_after_retry"] = c.passed_after_retry;
    if (c.outcome == verdict::error) {
      json::object e{{"stage", js(stage_name(c.error))}, {"message", js(c.error_message)}};
      if (c.cause) e["cause"] = js(c.cause.message());  // what the system said, e.g. "Connection refused"
      o["error"] = std::move(e);
    }
    if (c.outcome == verdict::skipped) o["skip_reason"] = js(c.skip_reason);
    json::array subs, notes, checks;
    for (const auto& x : c.substitutions) subs.push_back(js(x));
    for (const auto& x : c.notes) notes.push_back(js(x));
    for (const auto& k : c.checks)
      checks.push_back({{"check", to_string(k.check)},
                        {"outcome", to_string(k.outcome)},
                        {"pointer", js(k.pointer)},
                        {"expected", js(k.expected)},
                        {"actual", js(k.actual)},
                        {"message", js(k.message)}});
    o["passed_checks"] = c.passed_checks;
    o["substitutions"] = std::move(subs);
    o["notes"] = std::move(notes);
    o["checks"] = std::move(checks);
    cases.push_back(std::move(o));
  }
  root["cases"] = std::move(cases);
  return json::serialize(root) + "\n";
}

}  // namespace conform::report
