// The HTML report: one self-contained file (inline CSS and script, a Content-Security-Policy that forbids
// every fetch), readable from disk without a server. Every string in it came from docs or from a server and
// is escaped as text or as a double-quoted attribute; nothing from a run is ever put inside the script.
#include "report/report.hpp"

#include <cctype>
#include <cstdio>
#include <set>
#include <string>

namespace conform::report {

namespace {

std::string seconds_text(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3fs", s < 0 ? 0.0 : s);
  return buf;
}

std::string_view label(const case_result& c) {
  return c.outcome == verdict::passed && c.flaky ? "FLAKY" : outcome_label(c.outcome);
}

// A file: URL for a doc page, so the link opens the page from disk; "" when the path cannot be made one
// (relative paths are made absolute against `doc_root`).
std::string file_url(const std::string& file, const std::string& doc_root) {
  if (file.empty()) return "";
  std::string path = file;
  if (path.front() != '/') {
    if (doc_root.empty()) return "";
    path = doc_root + (doc_root.back() == '/' ? "" : "/") + path;
  }
  std::string out = "file://";
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char ch : path) {
    if (std::isalnum(ch) || ch == '/' || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

// What a case can be filtered by under "check": its failed checks, or its error's stage.
std::set<std::string> checks_of(const case_result& c) {
  std::set<std::string> out;
  for (const check_result& k : c.checks)
    if (k.outcome == check_outcome::failed) out.insert(std::string(to_string(k.check)));
  if (c.error) out.insert(std::string(stage_name(c.error)));
  for (const attempt_record& a : c.attempts_detail)
    if (!a.type.empty()) out.insert(a.type);
  return out;
}

std::string joined(const std::set<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string excerpt_text(const message_excerpt& r) {
  std::string text = std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason) + "\n";
  for (const header& h : r.headers) text += h.name + ": " + h.value + "\n";
  if (!r.body.empty()) text += "\n" + r.body + (r.body.back() == '\n' ? "" : "\n");
  if (r.truncated)
    text += "(body cut: first " + std::to_string(r.body.size()) + " of " + std::to_string(r.body_bytes) +
            " bytes)\n";
  return text;
}

void write_case(std::string& out, const case_result& c, std::size_t n, const std::string& doc_root) {
  const std::string outcome(to_string(c.outcome));
  const bool failing = c.outcome == verdict::failed || c.outcome == verdict::error;
  out += "<details class=\"case o-" + outcome + (c.flaky ? " flaky" : "") + "\" id=\"case-" +
         std::to_string(n) + "\" data-outcome=\"" + outcome + "\" data-flaky=\"" +
         (c.flaky ? "true" : "false") + "\" data-page=\"" + html_escape(c.page) + "\" data-checks=\"" +
         html_escape(joined(checks_of(c))) + "\"" + (failing ? " open" : "") +
         ">\n<summary><span class=\"badge\">" + std::string(label(c)) + "</span> <span class=\"id\">" +
         html_escape(c.fixture_id) + "</span>";
  if (!c.file.empty()) {
    const std::string where = c.file + (c.line ? ":" + std::to_string(c.line) : "");
    const std::string href = file_url(c.file, doc_root);
    out += href.empty()
               ? " <span class=\"doc\">" + html_escape(where) + "</span>"
               : " <a class=\"doc\" href=\"" + html_escape(href) + "\">" + html_escape(where) + "</a>";
  }
  out += " <span class=\"time\">" + seconds_text(c.seconds) + "</span></summary>\n<div class=\"detail\">\n";
  if (!c.method.empty())
    out += "<p class=\"req\"><code>" + html_escape(c.method + " " + c.url) + "</code></p>\n";
  auto line = [&](std::string_view cls, std::string_view title, const std::string& text) {
    out += "<p class=\"" + std::string(cls) + "\"><b>" + std::string(title) + "</b> " + html_escape(text) +
           "</p>\n";
  };
  if (c.outcome == verdict::error) line("why", std::string(stage_name(c.error)) + ":", c.error_message);
  if (c.outcome == verdict::skipped) line("why", "skipped:", c.skip_reason);
  if (c.outcome == verdict::inconclusive) line("why", "inconclusive:", c.inconclusive_reason);
  if (c.waived_by)
    line("why", "waived:",
         c.waived_by->reason + (c.waived_by->until.empty() ? "" : " (until " + c.waived_by->until + ")"));
  if (c.flaky) line("why", "flaky:", "passed on run " + std::to_string(c.attempts_detail.size()));
  bool table = false;
  for (const check_result& k : c.checks) {
    if (k.outcome != check_outcome::failed) continue;
    if (!table) {
      out +=
          "<table class=\"checks\"><tr><th>check</th><th>pointer</th><th>expected</th><th>actual</th>"
          "<th>message</th></tr>\n";
      table = true;
    }
    out += "<tr><td>" + std::string(to_string(k.check)) + "</td><td><code>" +
           html_escape(k.pointer.empty() ? "(response)" : k.pointer) + "</code></td><td class=\"expected\">" +
           html_escape(k.expected) + "</td><td class=\"actual\">" + html_escape(k.actual) + "</td><td>" +
           html_escape(k.message) +
           (k.contract.empty() ? "" : " (contract: " + html_escape(k.contract) + ")") + "</td></tr>\n";
  }
  if (table) out += "</table>\n";
  if (c.attempts_detail.size() > 1) {
    out += "<ol class=\"runs\">";
    for (const attempt_record& a : c.attempts_detail)
      out += "<li>" + std::string(to_string(a.outcome)) +
             (a.type.empty() ? "" : " [" + html_escape(a.type) + "] " + html_escape(a.message)) + "</li>";
    out += "</ol>\n";
  }
  for (const std::string& note : c.notes) line("note", "note:", note);
  if (c.response)
    out +=
        "<h4>Response</h4>\n<pre class=\"response\">" + html_escape(excerpt_text(*c.response)) + "</pre>\n";
  if (!c.curl.empty()) out += "<h4>curl</h4>\n<pre class=\"curl\">" + html_escape(c.curl) + "</pre>\n";
  out += "</div>\n</details>\n";
}

// One <option> per value, in order.
std::string options_of(const std::set<std::string>& values) {
  std::string out;
  for (const std::string& v : values)
    out += "<option value=\"" + html_escape(v) + "\">" + html_escape(v) + "</option>";
  return out;
}

constexpr std::string_view style = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.4em;margin:0 0 .3em}
.meta{color:#555}
[hidden]{display:none!important}
.summary span{display:inline-block;margin:0 .6em .3em 0;padding:.15em .6em;border-radius:3px;font-weight:600}
.summary a{color:inherit;text-decoration:none}
#filters{margin:1em 0;padding:.6em;background:#f4f4f4;border-radius:4px}
#filters label{margin-right:1em}
.case{border-left:6px solid #999;margin:.3em 0;padding:.2em .6em;background:#fafafa}
.case summary{cursor:pointer}
.badge{display:inline-block;min-width:7em;font-weight:700;font-family:monospace}
.doc{color:#06c;font-family:monospace}
.time{color:#777;font-size:.9em}
.id{font-family:monospace}
.detail{padding:.3em 0 .5em 1em}
pre{background:#f0f0f0;padding:.5em;overflow:auto;max-height:24em;white-space:pre-wrap;word-break:break-all}
table.checks{border-collapse:collapse;margin:.4em 0}
table.checks td,table.checks th{border:1px solid #ccc;padding:.2em .4em;vertical-align:top;text-align:left}
.expected{background:#eef7ee}.actual{background:#fbeaea}
.o-passed{border-color:#2e7d32}.o-passed .badge,.s-passed{color:#2e7d32}
.o-failed{border-color:#c62828;background:#fff5f5}.o-failed .badge,.s-failed{color:#c62828}
.o-error{border-color:#6a1b9a;background:#faf4fc}.o-error .badge,.s-error{color:#6a1b9a}
.o-skipped{border-color:#9e9e9e;border-left-style:dashed;color:#666}.o-skipped .badge,.s-skipped{color:#757575}
.o-waived{border-color:#ef6c00;border-left-style:double;background:#fff8ef}.o-waived .badge,.s-waived{color:#ef6c00}
.o-inconclusive{border-color:#0277bd;border-left-style:dotted;background:#f2f8fc}
.o-inconclusive .badge,.s-inconclusive{color:#0277bd}
.flaky{border-color:#f9a825;background:#fffbe6}.flaky .badge,.s-flaky{color:#b28704}
)css";

// Filters by outcome, check and page (and free text); state in the URL's fragment (#outcome=failed&page=x),
// so a filtered view can be linked and the summary's counts are links. The body's data-shown says how many
// cases are shown.
constexpr std::string_view script = R"js(
(function () {
  var cases = Array.prototype.slice.call(document.querySelectorAll('#cases > .case'));
  var fields = {outcome: document.getElementById('f-outcome'), check: document.getElementById('f-check'),
                page: document.getElementById('f-page'), text: document.getElementById('f-text')};
  var shown = document.getElementById('shown');
  function matches(c, f) {
    var o = c.getAttribute('data-outcome');
    if (f.outcome === 'failing' && o !== 'failed' && o !== 'error') return false;
    if (f.outcome === 'flaky' && c.getAttribute('data-flaky') !== 'true') return false;
    if (f.outcome && f.outcome !== 'failing' && f.outcome !== 'flaky' && o !== f.outcome) return false;
    if (f.check && (' ' + c.getAttribute('data-checks') + ' ').indexOf(' ' + f.check + ' ') < 0) return false;
    if (f.page && c.getAttribute('data-page') !== f.page) return false;
    if (f.text && c.textContent.toLowerCase().indexOf(f.text.toLowerCase()) < 0) return false;
    return true;
  }
  function current() {
    return {outcome: fields.outcome.value, check: fields.check.value, page: fields.page.value,
            text: fields.text.value};
  }
  function apply() {
    var f = current(), n = 0;
    cases.forEach(function (c) { var show = matches(c, f); c.hidden = !show; if (show) n++; });
    document.body.setAttribute('data-shown', String(n));
    shown.textContent = n + ' of ' + cases.length + ' cases shown';
  }
  function fromHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ''));
    ['outcome', 'check', 'page', 'text'].forEach(function (k) {
      var v = params.get(k) || '', el = fields[k];
      if (el.tagName === 'SELECT' && !Array.prototype.some.call(el.options, function (o) { return o.value === v; }))
        v = '';
      el.value = v;
    });
    apply();
  }
  function toHash() {
    var f = current(), params = new URLSearchParams();
    Object.keys(f).forEach(function (k) { if (f[k]) params.set(k, f[k]); });
    history.replaceState(null, '', '#' + params.toString());
    apply();
  }
  Object.keys(fields).forEach(function (k) {
    fields[k].addEventListener(k === 'text' ? 'input' : 'change', toHash);
  });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
)js";

}  // namespace

std::string html_report(const run_result& run, const html_options& opts) {
  const run_summary s = run.summary();
  std::size_t flaky = 0;
  std::set<std::string> outcomes, checks, pages;
  for (const case_result& c : run.cases) {
    flaky += c.flaky;
    outcomes.insert(std::string(to_string(c.outcome)));
    for (const std::string& k : checks_of(c)) checks.insert(k);
    pages.insert(c.page);
  }
  std::string target;
  for (const auto& [name, value] : run.properties)
    if (name == "target") target = value;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // No fetch of any kind, whatever a server managed to put in the page.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "script-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>conform report</title>\n<style>";
  out += style;
  out += "</style>\n</head>\n<body data-total=\"" + std::to_string(run.cases.size()) + "\" data-shown=\"" +
         std::to_string(run.cases.size()) + "\">\n<h1>conform report</h1>\n<p class=\"meta\">" +
         html_escape(target) +
         (run.started_at.empty() ? "" : " &middot; started " + html_escape(run.started_at)) + " &middot; " +
         std::to_string(run.cases.size()) + " cases in " + seconds_text(run.seconds) + "</p>\n";
  auto count = [&](std::string_view cls, std::string_view word, std::size_t n, std::string_view filter) {
    out += "<span class=\"s-" + std::string(cls) + "\"><a href=\"#outcome=" + std::string(filter) + "\">" +
           std::to_string(n) + " " + std::string(word) + "</a></span>";
  };
  out += "<p class=\"summary\" id=\"summary\">";
  count("passed", "passed", s.passed, "passed");
  count("failed", "failed", s.failed, "failed");
  count("error", "errors", s.errors, "error");
  count("skipped", "skipped", s.skipped, "skipped");
  count("waived", "waived", s.waived, "waived");
  count("inconclusive", "inconclusive", s.inconclusive, "inconclusive");
  count("flaky", "flaky", flaky, "flaky");
  out += "</p>\n<details class=\"props\"><summary>Run properties</summary>\n<table class=\"checks\">";
  for (const auto& [name, value] : run.properties)
    out += "<tr><th>" + html_escape(name) + "</th><td>" + html_escape(value) + "</td></tr>";
  out += "</table></details>\n";
  std::string outcome_options =
      "<option value=\"\">all</option><option value=\"failing\">failed and errors</option>";
  for (const std::string& o : outcomes)
    outcome_options += "<option value=\"" + html_escape(o) + "\">" + html_escape(o) + "</option>";
  if (flaky > 0) outcome_options += "<option value=\"flaky\">flaky</option>";
  out += "<div id=\"filters\">\n<label>Outcome <select id=\"f-outcome\">" + outcome_options +
         "</select></label>\n<label>Check <select id=\"f-check\"><option value=\"\">all</option>" +
         options_of(checks) +
         "</select></label>\n<label>Page <select id=\"f-page\"><option value=\"\">all</option>" +
         options_of(pages) +
         "</select></label>\n<label>Search <input id=\"f-text\" type=\"search\"></label>\n<output "
         "id=\"shown\">" +
         std::to_string(run.cases.size()) + " of " + std::to_string(run.cases.size()) +
         " cases shown</output>\n</div>\n<div id=\"cases\">\n";
  for (std::size_t n = 0; n < run.cases.size(); ++n) write_case(out, run.cases[n], n + 1, opts.doc_root);
  out += "</div>\n<script>";
  out += script;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace conform::report
