#include "report/report.hpp"

#include <cstdio>
#include <ostream>
#include <string>
#include <utility>

namespace conform::report {

namespace {

// Server-controlled text must not drive the terminal (escape sequences) or break lines unexpectedly: after
// xml_clean (no C0 controls but tab, CR and LF; valid UTF-8) line breaks and tabs show as \r, \n and \t.
std::string clean(std::string_view s) {
  std::string kept = xml_clean(s), out;
  out.reserve(kept.size());
  for (char c : kept) {
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out;
}

std::string location(const case_result& c) {
  if (c.file.empty()) return "";
  return " (" + clean(c.file) + (c.line ? ":" + std::to_string(c.line) : "") + ")";
}

std::string seconds(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3fs", s < 0 ? 0.0 : s);
  return buf;
}

constexpr std::string_view clear_line = "\r\x1b[K";

// SGR colours: red failures, magenta errors, green passes, grey skips, yellow waivers, cyan inconclusive.
std::string_view colour_of(verdict v) {
  switch (v) {
    case verdict::passed:
      return "\x1b[32m";
    case verdict::failed:
      return "\x1b[1;31m";
    case verdict::error:
      return "\x1b[1;35m";
    case verdict::skipped:
      return "\x1b[90m";
    case verdict::waived:
      return "\x1b[33m";
    case verdict::inconclusive:
      return "\x1b[36m";
  }
  return "";
}

// "12.3s" under a minute, "4m05s" under an hour, "1h02m" beyond.
std::string duration(double s) {
  if (!(s >= 0)) s = 0;
  char buf[64];
  const auto whole = static_cast<long long>(s);
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  else if (whole < 3600)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", whole / 60, whole % 60);
  else
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", whole / 3600, whole % 3600 / 60);
  return buf;
}

}  // namespace

std::string_view outcome_label(verdict v) {
  switch (v) {
    case verdict::passed:
      return "PASS";
    case verdict::failed:
      return "FAIL";
    case verdict::error:
      return "ERROR";
    case verdict::skipped:
      return "SKIP";
    case verdict::waived:
      return "WAIVED";
    case verdict::inconclusive:
      return "INCONCLUSIVE";
  }
  return "?";
}

console_reporter::console_reporter(std::ostream& out, bool terminal, bool verbose, console_style style)
    : out_(out), terminal_(terminal), verbose_(verbose), style_(std::move(style)) {}

std::string console_reporter::word(verdict v) const {
  if (!style_.colour) return std::string(outcome_label(v));
  return std::string(colour_of(v)) + std::string(outcome_label(v)) + "\x1b[0m";
}

void console_reporter::print_details(const case_result& c) {
  out_ << word(c.outcome) << ' ' << clean(c.fixture_id) << location(c) << ' ' << seconds(c.seconds);
  if (c.passed_after_retry) out_ << " (passed after " << c.attempts << " attempts)";
  if (c.flaky)
    out_ << " (flaky: passed on run " << c.attempts_detail.size() << " of " << c.attempts_detail.size()
         << ")";
  else if (!c.attempts_detail.empty())
    out_ << " (" << (c.outcome == verdict::error ? "errored" : "failed") << " on all "
         << c.attempts_detail.size() << " runs)";
  out_ << '\n';
  // Each run of a rerun case that did not pass, so a flaky pass still shows what went wrong.
  for (std::size_t n = 0; n < c.attempts_detail.size(); ++n) {
    const attempt_record& a = c.attempts_detail[n];
    if (a.outcome == verdict::passed) continue;
    out_ << "  run " << (n + 1) << ": " << word(a.outcome) << " [" << clean(a.type) << "] "
         << clean(a.message) << '\n';
  }
  if (c.outcome == verdict::failed || verbose_) {
    if (!c.method.empty() && c.outcome != verdict::passed)
      out_ << "  " << clean(c.method) << ' ' << clean(c.url) << '\n';
    for (const auto& k : c.checks) {
      bool show = k.outcome == check_outcome::failed || (verbose_ && k.outcome == check_outcome::note);
      if (!show) continue;
      out_ << "  [" << to_string(k.check) << "] " << (k.pointer.empty() ? "-" : clean(k.pointer)) << ": "
           << clean(k.message) << '\n';
      if (k.outcome == check_outcome::failed) {
        out_ << "      expected: " << clean(k.expected) << '\n';
        out_ << "      actual:   " << clean(k.actual) << '\n';
        if (!k.contract.empty()) out_ << "      contract: " << clean(k.contract) << '\n';
      }
    }
  }
  if (c.outcome == verdict::error)
    out_ << "  " << clean(stage_name(c.error)) << ": " << clean(c.error_message) << '\n';
  if (c.outcome == verdict::skipped && !c.skip_reason.empty()) out_ << "  " << clean(c.skip_reason) << '\n';
  if (c.outcome == verdict::inconclusive) out_ << "  inconclusive: " << clean(c.inconclusive_reason) << '\n';
  if (c.outcome == verdict::waived && c.waived_by) {
    out_ << "  waived: " << clean(c.waived_by->reason);
    if (!c.waived_by->until.empty()) out_ << " (until " << clean(c.waived_by->until) << ")";
    out_ << '\n';
  }
  if (verbose_) {
    for (const auto& n : c.notes) out_ << "  note: " << clean(n) << '\n';
    // The exchange itself, redacted: '>' what was sent, '<' what came back (bodies cut at 4 KB).
    auto body = [&](char dir, const message_excerpt& e) {
      if (!e.body.empty()) out_ << "  " << dir << ' ' << clean(e.body) << '\n';
      if (e.truncated)
        out_ << "  " << dir << " (body cut: first " << e.body.size() << " of " << e.body_bytes << " bytes)\n";
    };
    if (c.request) {
      out_ << "  > " << clean(c.request->method) << ' ' << clean(c.request->url) << '\n';
      for (const header& h : c.request->headers)
        out_ << "  > " << clean(h.name) << ": " << clean(h.value) << '\n';
      body('>', *c.request);
    }
    if (c.response) {
      out_ << "  < " << c.response->status << (c.response->reason.empty() ? "" : " ")
           << clean(c.response->reason) << '\n';
      for (const header& h : c.response->headers)
        out_ << "  < " << clean(h.name) << ": " << clean(h.value) << '\n';
      body('<', *c.response);
    }
    if (!c.curl.empty()) out_ << "  curl: " << clean(c.curl) << '\n';
  }
}

void console_reporter::on_case(const case_result& c, std::size_t done, std::size_t total) {
  std::lock_guard lock(mutex_);
  switch (c.outcome) {
    case verdict::passed:
      ++so_far_.passed;
      break;
    case verdict::failed:
      ++so_far_.failed;
      break;
    case verdict::error:
      ++so_far_.errors;
      break;
    case verdict::skipped:
      ++so_far_.skipped;
      break;
    case verdict::waived:
      ++so_far_.waived;
      break;
    case verdict::inconclusive:
      ++so_far_.inconclusive;
      break;
  }
  bool interesting = c.outcome == verdict::failed || c.outcome == verdict::error || c.flaky || verbose_;
  if (terminal_) {
    if (interesting) {
      if (progress_shown_) out_ << clear_line;
      print_details(c);
    }
    out_ << clear_line << '[' << done << '/' << total << "] " << summary_line(so_far_);
    if (style_.elapsed) {
      // The estimate assumes the cases left take as long as the ones done so far, on average.
      const double spent = style_.elapsed();
      out_ << " | " << duration(spent) << " elapsed";
      if (done > 0 && done < total)
        out_ << ", ~" << duration(spent / static_cast<double>(done) * static_cast<double>(total - done))
             << " left";
    }
    out_ << std::flush;
    progress_shown_ = true;
  } else {
    // A log has no live line: one line per case keeps progress visible, details only where they matter.
    out_ << '[' << done << '/' << total << "] ";
    if (interesting || c.outcome == verdict::skipped || c.outcome == verdict::waived ||
        c.outcome == verdict::inconclusive)
      print_details(c);
    else
      out_ << word(c.outcome) << ' ' << clean(c.fixture_id) << ' ' << seconds(c.seconds) << '\n';
    // A pipe (a CI log) is block-buffered: without a flush per case a job killed on a timeout shows no
    // progress at all.
    out_ << std::flush;
  }
}

void console_reporter::finish(const run_result& run) {
  std::lock_guard lock(mutex_);
  if (progress_shown_) out_ << clear_line;
  progress_shown_ = false;
  // Said before the totals, so nobody reads them as a whole run.
  for (const auto& [name, value] : run.properties)
    if (name == "interrupted")
      out_ << "Interrupted: " << clean(value) << "; cases without a verdict are skipped\n";
  // Flaky cases passed, so the totals do not show them: named here, where a nightly reader looks.
  std::size_t flaky = 0;
  for (const auto& c : run.cases) flaky += c.flaky;
  if (flaky > 0) {
    out_ << "Flaky (passed on a rerun): " << flaky << '\n';
    for (const auto& c : run.cases)
      if (c.flaky) out_ << "  " << clean(c.fixture_id) << location(c) << '\n';
  }
  list_failures(run);
  out_ << "Ran " << run.cases.size() << " case" << (run.cases.size() == 1 ? "" : "s") << " in "
       << seconds(run.seconds) << '\n';
  out_ << summary_line(run.summary()) << '\n' << std::flush;
}

// The failed and errored cases again, one line each, above the totals: a nightly run's 151 failures had
// scrolled away by the time anyone read the summary. At most max_listed, then how many more.
void console_reporter::list_failures(const run_result& run) {
  constexpr std::size_t max_listed = 100;
  std::size_t failing = 0;
  for (const auto& c : run.cases) failing += c.outcome == verdict::failed || c.outcome == verdict::error;
  if (failing == 0) return;
  out_ << "Failures and errors (" << failing << "):\n";
  std::size_t shown = 0;
  for (const auto& c : run.cases) {
    if (c.outcome != verdict::failed && c.outcome != verdict::error) continue;
    if (shown++ == max_listed) {
      out_ << "  ... and " << failing - max_listed << " more (all of them are in the reports)\n";
      break;
    }
    out_ << "  " << word(c.outcome) << ' ' << clean(c.fixture_id) << location(c) << ": ";
    if (c.outcome == verdict::error) {
      out_ << clean(stage_name(c.error)) << '\n';
    } else if (const check_result* k = c.first_failure()) {
      out_ << '[' << to_string(k->check) << "] " << clean(k->message) << '\n';
    } else {
      out_ << "failed\n";
    }
  }
}

}  // namespace conform::report
