#include "report/report.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <cerrno>
#include <string>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

json::object excerpt_json(const message_excerpt& e) {
  json::array headers;
  for (const header& h : e.headers) headers.push_back({{"name", js(h.name)}, {"value", js(h.value)}});
  json::object o;
  o["status"] = e.status;
  o["reason"] = js(e.reason);
  o["headers"] = std::move(headers);
  o["body"] = js(e.body);
  o["truncated"] = e.truncated;
  o["body_bytes"] = e.body_bytes;
  return o;
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

namespace {
// & < > " ' as references after xml_clean; `whitespace_references`: tab, LF and CR too (attributes, whose
// literal whitespace parsers normalise to spaces).
std::string escape_markup(std::string_view s, std::string_view apostrophe, bool whitespace_references) {
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
        out += apostrophe;
        break;
      case '\t':
      case '\n':
      case '\r':
        if (whitespace_references)
          out += c == '\t' ? "&#9;" : c == '\n' ? "&#10;" : "&#13;";
        else
          out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}
}  // namespace

std::string xml_escape_attribute(std::string_view s) {
  return escape_markup(s, "&apos;", true);
}

std::string html_escape(std::string_view s) {
  return escape_markup(s, "&#39;", false);
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
         std::to_string(s.errors) + " errors, " + std::to_string(s.skipped) + " skipped" +
         (s.waived > 0 ? ", " + std::to_string(s.waived) + " waived" : "") +
         (s.inconclusive > 0 ? ", " + std::to_string(s.inconclusive) + " inconclusive" : "");
}

namespace {

std::error_code error_of(int e) {
  return {e, std::system_category()};
}

// Where a report path leads: the regular file to replace (a symlink's final target, or a file still to be
// made), or something that is written through because replacing it would destroy it (a device node, a FIFO,
// /dev/stdout).
struct destination {
  fs::path file;
  bool write_through = false;
  bool exists = false;
  mode_t mode = 0;  // of an existing regular file, kept by its replacement
};

// /proc/self/fd/N (behind /dev/stdout and /dev/fd/N) names a descriptor this process already has open: it is
// written through even when a regular file is behind it, or the file a shell redirected to would be replaced
// under the process that still writes to it.
bool on_procfs(const fs::path& dir) {
  struct statfs s {};
  return ::statfs(dir.empty() ? "." : dir.c_str(), &s) == 0 && s.f_type == PROC_SUPER_MAGIC;
}

// Follows symlinks one hop at a time, so the links stay and the file at the end is what gets replaced.
destination find_destination(const fs::path& path, std::error_code& ec) {
  ec.clear();
  destination d;
  d.file = path;
  for (int hops = 0; hops < 40; ++hops) {  // as the kernel's MAXSYMLINKS
    struct stat st {};
    if (::lstat(d.file.c_str(), &st) != 0) {
      if (errno != ENOENT) ec = last_error();
      return d;  // ENOENT: a new file (its directories are made when it is written)
    }
    if (S_ISLNK(st.st_mode)) {
      if (on_procfs(d.file.parent_path())) {
        d.write_through = d.exists = true;
        return d;
      }
      fs::path next = fs::read_symlink(d.file, ec);
      if (ec) return d;
      d.file = next.is_absolute() ? next : d.file.parent_path() / next;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      ec = error_of(EISDIR);
      return d;
    }
    d.exists = true;
    d.write_through = !S_ISREG(st.st_mode);
    d.mode = st.st_mode & 07777;
    return d;
  }
  ec = error_of(ELOOP);
  return d;
}

// Every piece, whole: a short write is retried, a write that makes no progress is an error.
std::error_code write_all(int fd, const std::function<void(const chunk_sink&)>& produce) {
  std::error_code error;
  produce([&](std::string_view piece) {
    for (std::size_t done = 0; !error && done < piece.size();) {
      ssize_t n = ::write(fd, piece.data() + done, piece.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error = n < 0 ? last_error() : error_of(EIO);
      } else {
        done += static_cast<std::size_t>(n);
      }
    }
  });
  return error;
}

// A device, a FIFO or an inherited descriptor: opened as it is (never created, never truncated; appended to,
// so /dev/stdout redirected to a file keeps the console output before the report) and never fsynced, which
// devices and pipes do not support.
void write_through(const fs::path& path, const std::function<void(const chunk_sink&)>& produce,
                   std::error_code& ec) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    ec = last_error();
    return;
  }
  ec = write_all(fd, produce);
  if (::close(fd) != 0 && !ec) ec = last_error();
}

void replace_file(const destination& d, const std::function<void(const chunk_sink&)>& produce,
                  std::error_code& ec) {
  const fs::path& path = d.file;
  fs::path dir = path.parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) return;
  }
  static std::atomic<unsigned> counter{0};
  // Built with append: GCC 12's -Wrestrict misfires on a chain of operator+ here (a known false positive).
  // The file name part is cut so the temporary name stays within NAME_MAX too.
  std::string name = ".";
  name.append(path.filename().string().substr(0, 200)).append(".tmp.").append(std::to_string(::getpid()));
  name.append(".").append(std::to_string(counter++));
  fs::path tmp = dir / name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    ec = last_error();
    return;
  }
  auto fail = [&](std::error_code e) {
    ec = e;
    ::close(fd);
    ::unlink(tmp.c_str());
  };
  // A replaced report keeps its permissions (one made private stays private).
  if (d.exists && ::fchmod(fd, d.mode) != 0) return fail(last_error());
  if (std::error_code e = write_all(fd, produce)) return fail(e);
  // Without fsync a crash after rename can leave an empty file under the final name.
  if (::fsync(fd) != 0) return fail(last_error());
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

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view content, std::error_code& ec) {
  write_file_atomic(
      path, [&](const chunk_sink& sink) { sink(content); }, ec);
}

void write_file_atomic(const fs::path& path, const std::function<void(const chunk_sink&)>& produce,
                       std::error_code& ec) {
  destination d = find_destination(path, ec);
  if (ec) return;
  if (d.write_through)
    write_through(d.file, produce, ec);
  else
    replace_file(d, produce, ec);
}

void check_report_dir(const fs::path& dir, std::error_code& ec) {
  ec.clear();
  // The nearest directory that exists must take new entries: the rest is made when the report is written.
  fs::path at = dir.empty() ? fs::path(".") : dir;
  for (;;) {
    struct stat st {};
    if (::stat(at.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        ec = error_of(ENOTDIR);
      else if (::access(at.c_str(), W_OK | X_OK) != 0)
        ec = last_error();
      return;
    }
    if (errno != ENOENT) {
      ec = last_error();  // ENOTDIR: a file where a directory would have to be made
      return;
    }
    fs::path up = at.parent_path();
    if (up.empty()) up = ".";
    if (up == at) return;  // "/" or "." missing: nothing to check against
    at = up;
  }
}

void check_report_path(const fs::path& path, std::error_code& ec) {
  destination d = find_destination(path, ec);
  if (ec) return;
  // Written through: never opened here (a FIFO would wait for its reader).
  if (d.write_through) {
    if (::access(d.file.c_str(), W_OK) != 0) ec = last_error();
    return;
  }
  check_report_dir(d.file.parent_path(), ec);
}

std::string json_report(const run_result& run) {
  run_summary s = run.summary();
  json::object root;
  // Bumped only when a reader would have to change (docs/report.schema.json holds the shape).
  root["schema_version"] = report_schema_version;
  root["summary"] = {{"total", run.cases.size()},
                     {"passed", s.passed},
                     {"failed", s.failed},
                     {"errors", s.errors},
                     {"skipped", s.skipped},
                     {"waived", s.waived},
                     {"inconclusive", s.inconclusive}};
  root["started_at"] = js(run.started_at);
  root["seconds"] = run.seconds;
  json::array props;
  for (const auto& [name, value] : run.properties)
    props.push_back({{"name", js(name)}, {"value", js(value)}});
  root["properties"] = std::move(props);
  // What the run created on the server and what became of it (a run plan's creates; see run::plan_run).
  json::array created;
  for (const created_resource& c : run.created)
    created.push_back({{"fixture", js(c.fixture_id)},
                       {"url", js(c.url)},
                       {"fate", js(c.fate)},
                       {"left_behind", c.left_behind}});
  root["created"] = std::move(created);
  json::array cases;
  for (const auto& c : run.cases) {
    json::object o;
    o["id"] = js(c.fixture_id);
    o["page"] = js(c.page);
    o["file"] = js(c.file);
    o["line"] = c.line;
    o["position"] = c.position;
    o["method"] = js(c.method);
    o["url"] = js(c.url);
    o["outcome"] = to_string(c.outcome);
    o["status"] = c.status;
    o["seconds"] = c.seconds;
    o["attempts"] = c.attempts;
    o["passed_after_retry"] = c.passed_after_retry;
    o["flaky"] = c.flaky;
    if (!c.attempts_detail.empty()) {
      // Every run of a rerun case (--rerun-failures), the first first.
      json::array runs;
      for (std::size_t n = 0; n < c.attempts_detail.size(); ++n) {
        const attempt_record& a = c.attempts_detail[n];
        json::object run_json{
            {"run", n + 1}, {"outcome", to_string(a.outcome)}, {"status", a.status}, {"seconds", a.seconds}};
        if (!a.type.empty()) run_json["type"] = js(a.type);
        if (!a.message.empty()) run_json["message"] = js(a.message);
        runs.push_back(std::move(run_json));
      }
      o["attempts_detail"] = std::move(runs);
    }
    if (c.outcome == verdict::error || (c.outcome == verdict::waived && c.error)) {
      json::object e{{"stage", js(stage_name(c.error))}, {"message", js(c.error_message)}};
      if (c.cause)
        e["cause"] = js(c.cause.message());  // what the system said, e.g. "Connection refused"
      else if (!c.cause_text.empty())
        e["cause"] = js(c.cause_text);
      o["error"] = std::move(e);
    }
    if (c.outcome == verdict::skipped) o["skip_reason"] = js(c.skip_reason);
    if (c.outcome == verdict::inconclusive) o["inconclusive_reason"] = js(c.inconclusive_reason);
    if (c.waived_by) {
      const waiver& w = *c.waived_by;
      json::object wj{{"fixture", js(w.fixture)}, {"reason", js(w.reason)}};
      if (!w.check.empty()) wj["check"] = js(w.check);
      if (!w.until.empty()) wj["until"] = js(w.until);
      o["waiver"] = std::move(wj);
    }
    json::array subs, notes, checks;
    for (const auto& x : c.substitutions) subs.push_back(js(x));
    for (const auto& x : c.notes) notes.push_back(js(x));
    for (const auto& k : c.checks) {
      json::object check{{"check", to_string(k.check)}, {"outcome", to_string(k.outcome)},
                         {"pointer", js(k.pointer)},    {"expected", js(k.expected)},
                         {"actual", js(k.actual)},      {"message", js(k.message)}};
      // Where the expectation comes from, when a contract (not the example) says it: "user.md:42" or
      // "microsoft.graph.user.accountEnabled: Edm.Boolean".
      if (!k.contract.empty()) check["contract"] = js(k.contract);
      checks.push_back(std::move(check));
    }
    o["passed_checks"] = c.passed_checks;
    o["substitutions"] = std::move(subs);
    o["notes"] = std::move(notes);
    o["checks"] = std::move(checks);
    // Evidence of failed and errored cases: what the server said (bounded, redacted) and how to ask again.
    if (c.response) o["response"] = excerpt_json(*c.response);
    if (!c.curl.empty()) o["curl"] = js(c.curl);
    cases.push_back(std::move(o));
  }
  root["cases"] = std::move(cases);
  return json::serialize(root) + "\n";
}

}  // namespace conform::report
