// Scheduling: which fixtures run, where they go (the target base URL), and how an
// exchange becomes a case_result.
#include "run/run.hpp"

#include "check/check.hpp"
#include "transport/client.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace conform::run {

namespace {

std::string iso_utc(std::chrono::system_clock::time_point tp) {
  std::time_t t = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

case_result base_case(const fixture& f) {
  case_result c;
  c.fixture_id = f.id;
  c.page = f.page;
  c.file = f.file;
  c.line = f.request.line != 0 ? f.request.line : f.line;
  c.method = f.request.method;
  return c;
}

}  // namespace

namespace {

// The run's waivers: which apply today, which covered a failure.
struct waiver_book {
  const std::vector<waiver>& all;
  std::vector<bool> live;
  std::vector<bool> used = std::vector<bool>(all.size());

  waiver_book(const std::vector<waiver>& waivers, std::string_view today) : all(waivers) {
    for (const waiver& w : all) live.push_back(waiver_live(w, today));
  }

  // The first live waiver of this fixture covering `what` (a check id or an error stage), or npos.
  std::size_t covering(std::string_view fixture_id, std::string_view what) const {
    for (std::size_t n = 0; n < all.size(); ++n)
      if (live[n] && glob_match(all[n].fixture, fixture_id) && (all[n].check.empty() || all[n].check == what))
        return n;
    return std::string::npos;
  }

  // A failed or errored case becomes waived when every failed check (or its error) is covered; each waiver
  // that covered one is used. A case partly covered stays as it is and uses nothing.
  void apply(case_result& c) {
    if (all.empty() || (c.outcome != verdict::failed && c.outcome != verdict::error)) return;
    std::vector<std::size_t> by;
    if (c.outcome == verdict::error) {
      by.push_back(covering(c.fixture_id, stage_name(c.error)));
    } else {
      for (const check_result& k : c.checks)
        if (k.outcome == check_outcome::failed) by.push_back(covering(c.fixture_id, to_string(k.check)));
    }
    if (by.empty() || std::find(by.begin(), by.end(), std::string::npos) != by.end()) return;
    for (std::size_t n : by) used[n] = true;
    c.outcome = verdict::waived;
    c.waived_by = all[by.front()];
  }
};

std::string today_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Where each case of the run stands; finish() records a case once, waived when a waiver says so, redacted,
// and reports progress.
struct case_book {
  run_result& out;
  const redactor& redact;
  const progress_fn& progress;
  waiver_book& waivers;
  std::size_t done = 0;
  std::vector<bool> has_verdict = std::vector<bool>(out.cases.size());

  void finish(std::size_t i, case_result&& c) {
    waivers.apply(c);
    redact.apply(c);
    out.cases[i] = std::move(c);
    has_verdict[i] = true;
    ++done;
    case_result& kept = out.cases[i];
    if (progress) progress(kept, done, out.cases.size());
    // Kept for -v's console only: the reports keep the response of failed and errored cases.
    kept.request.reset();
    if (kept.outcome != verdict::failed && kept.outcome != verdict::error && kept.outcome != verdict::waived)
      kept.response.reset();
  }
};

// A case settled without a server (not runnable, skipped by the suite), or nullopt when it is to be sent.
std::optional<case_result> settled_without_server(const fixture& f, const options& opts) {
  case_result c = base_case(f);
  c.outcome = verdict::skipped;
  if (!f.runnable) {
    c.skip_reason = f.not_runnable_reason.empty() ? "not runnable" : f.not_runnable_reason;
    return c;
  }
  if (auto ov = opts.overrides.find(f.id); ov != opts.overrides.end() && ov->second.skip) {
    c.skip_reason = "skipped by suite override: " + *ov->second.skip;
    return c;
  }
  return std::nullopt;
}

// The requests to send, each with the case it answers for; cases whose request cannot be built (an unbound
// placeholder) are finished as errors here and nothing is sent for them.
struct outgoing {
  std::vector<transport::outgoing_request> requests;
  std::vector<std::size_t> case_of;                     // request index -> case index
  std::vector<std::vector<std::string>> substitutions;  // request index -> what was substituted
};

outgoing prepare_all(const std::vector<const fixture*>& chosen, const std::vector<std::size_t>& to_send,
                     const fixture_set& set, const options& opts, case_book& book) {
  outgoing o;
  o.requests.reserve(to_send.size());
  o.case_of.reserve(to_send.size());
  o.substitutions.reserve(to_send.size());
  for (std::size_t i : to_send) {
    const fixture& f = *chosen[i];
    prepared_request p = prepare_request(f, set.contract_for(f), opts, opts.target);
    if (!p.error.empty()) {
      case_result c = base_case(f);
      c.method = p.method;
      c.url = p.url;
      c.outcome = verdict::error;
      c.error = run_error::placeholder;
      c.error_message = std::move(p.error);
      c.substitutions = std::move(p.substitutions);
      book.finish(i, std::move(c));
      continue;
    }
    o.case_of.push_back(i);
    o.substitutions.push_back(std::move(p.substitutions));
    o.requests.push_back({std::move(p.method), std::move(p.url), std::move(p.headers), std::move(p.body)});
  }
  return o;
}

transport::client_options client_options_of(const options& opts) {
  transport::client_options co;
  co.concurrency = std::max<std::size_t>(1, opts.concurrency);
  co.timeout = opts.timeout;
  co.connect_timeout = opts.connect_timeout;
  co.max_body = opts.max_body;
  co.verify_tls = !opts.insecure;
  co.cacert = opts.cacert;
  co.retries = std::max(0, opts.retries);
  if (opts.stop_reason) co.stop_requested = [&opts] { return !opts.stop_reason().empty(); };
  co.stop_grace = opts.stop_grace;
  co.retry_unsafe = opts.retry_unsafe;
  co.rate = opts.rate;
  return co;
}

std::string_view stop_reason(const options& opts) {
  return opts.stop_reason ? opts.stop_reason() : std::string_view();
}

// After a stop, the cases still without a verdict (never sent, or given up after the grace) are skipped
// rather than left out, so a report's totals still count every selected case; no progress line for them.
void settle_interrupted(const std::vector<const fixture*>& chosen, case_book& book, std::string_view reason) {
  const std::size_t with_verdict = book.done;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (book.has_verdict[i]) continue;
    case_result c = base_case(*chosen[i]);
    c.outcome = verdict::skipped;
    c.skip_reason = "not run: interrupted by " + std::string(reason);
    book.out.cases[i] = std::move(c);
  }
  book.out.properties.emplace_back("interrupted", std::string(reason) + " after " +
                                                      std::to_string(with_verdict) + " of " +
                                                      std::to_string(chosen.size()) + " cases");
}

check::options check_options_of(const options& opts) {
  check::options checks;
  checks.odata_type = opts.odata_type;
  checks.strict_enums = opts.strict_enums;
  checks.strict_properties = opts.strict_properties;
  return checks;
}

// An exchange becomes a verdict: an error when no complete response came, else the checks' findings.
void judge(case_result& c, const fixture& f, const fixture_set& set, const options& opts,
           const check::options& checks, transport::exchange_result& x) {
  c.attempts = x.attempts;
  c.seconds = x.seconds;
  for (std::string& note : x.notes) c.notes.push_back(std::move(note));  // what the connection did besides
  if (!x.ok) {
    c.outcome = verdict::error;
    c.error = x.error;
    c.cause = x.cause;
    // Named by the request, as a failure is: "GET http://host/v1.0/users: response body exceeds ...".
    c.error_message = c.method + " " + c.url + ": " + x.error_message;
    if (x.attempts > 1) c.notes.push_back("gave up after " + std::to_string(x.attempts) + " attempts");
    return;
  }
  c.status = x.response.status;
  auto ov = opts.overrides.find(f.id);
  if (ov != opts.overrides.end() && ov->second.status) {
    fixture expected = f;  // check_response reads the expectation from the fixture
    expected.response.status = *ov->second.status;
    c.notes.push_back("expected status " + std::to_string(*ov->second.status) +
                      " set by suite override (documented " + std::to_string(f.response.status) + ")");
    c.checks = check::check_response(expected, set.contract_for(f), x.response, checks);
  } else {
    c.checks = check::check_response(f, set.contract_for(f), x.response, checks);
  }
  // Where the docs and $metadata disagree for this example (the CSDL decided the checks).
  c.notes.insert(c.notes.end(), f.contract_notes.begin(), f.contract_notes.end());
  c.outcome = c.first_failure() != nullptr ? verdict::failed : verdict::passed;
  // Nothing checked is not a pass: an empty collection or a zero $count passed checks that saw no item.
  if (c.outcome == verdict::passed)
    if (std::string why = check::nothing_checked(c.url, x.response, checks); !why.empty()) {
      c.outcome = verdict::inconclusive;
      c.inconclusive_reason = std::move(why);
    }
  // A passed check says nothing a count does not; 10,000 cases x 8 checks were a fifth of a run's memory.
  auto passed = std::remove_if(c.checks.begin(), c.checks.end(),
                               [](const check_result& k) { return k.outcome == check_outcome::passed; });
  c.passed_checks = static_cast<std::size_t>(c.checks.end() - passed);
  c.checks.erase(passed, c.checks.end());
  c.checks.shrink_to_fit();
  if (x.retried) {
    c.passed_after_retry = c.outcome == verdict::passed;
    c.notes.push_back("answered after " + std::to_string(x.attempts) + " attempts (retried)");
  }
}

// What one run of a case found, for attempts_detail.
attempt_record record_of(const case_result& c) {
  attempt_record a;
  a.outcome = c.outcome;
  a.status = c.status;
  a.seconds = c.seconds;
  if (c.outcome == verdict::error) {
    a.type = std::string(stage_name(c.error));
    a.message = c.error_message;
    a.details = a.type + ": " + c.error_message + "\n";
  } else if (const check_result* first = c.first_failure()) {
    a.type = std::string(to_string(first->check));
    a.message = first->message;
    constexpr std::size_t most = 16 * 1024;  // each failed check is already cut; a run's text is bounded too
    for (const check_result& k : c.checks) {
      if (k.outcome != check_outcome::failed || a.details.size() > most) continue;
      a.details += "[" + std::string(to_string(k.check)) + "] " +
                   (k.pointer.empty() ? "(response)" : k.pointer) + ": " + k.message +
                   "\n  expected: " + k.expected + "\n  actual:   " + k.actual + "\n";
    }
  }
  return a;
}

// A case held for a rerun: its first run, the request to send again, every run so far.
struct held_case {
  std::size_t case_index = 0;
  std::size_t request = 0;  // index into the run's prepared requests
  case_result first;
  double seconds = 0;  // all runs together
  bool settled = false;
};

// How often the server throttled the run (429/503) and how long the client waited for it.
struct throttling {
  int responses = 0;
  double waited = 0;  // seconds

  void add(const transport::exchange_result& x) {
    responses += x.throttled;
    waited += x.throttled_wait;
  }
  std::string describe() const {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", waited);
    return std::to_string(responses) + (responses == 1 ? " response" : " responses") + " (429/503), waited " +
           seconds + " s";
  }
};

// How the run was made, for the reports (redacted).
std::vector<std::pair<std::string, std::string>> run_properties(const options& opts,
                                                                const throttling& throttled,
                                                                const redactor& redact) {
  std::vector<std::pair<std::string, std::string>> p;
  p.emplace_back("target", opts.target_name.empty() ? opts.target : opts.target_name + " " + opts.target);
  p.emplace_back("conform.version", std::string(version()));
  if (!opts.include.empty()) p.emplace_back("filter.include", join(opts.include));
  if (!opts.exclude.empty()) p.emplace_back("filter.exclude", join(opts.exclude));
  if (opts.shard_count > 1)
    p.emplace_back("shard", std::to_string(opts.shard_index) + "/" + std::to_string(opts.shard_count));
  if (opts.insecure) p.emplace_back("insecure", "true: TLS certificates and host names were NOT verified");
  if (opts.fill_placeholders)
    p.emplace_back("fill-placeholders", "true: unbound placeholders got generated values");
  p.emplace_back("concurrency",
                 std::to_string(std::max<std::size_t>(1, opts.concurrency)) +
                     (opts.concurrency_note.empty() ? "" : " (" + opts.concurrency_note + ")"));
  p.emplace_back("timeout.ms", std::to_string(opts.timeout.count()));
  p.emplace_back("retries", std::to_string(opts.retries));
  if (opts.rerun_failures > 0) p.emplace_back("rerun-failures", std::to_string(opts.rerun_failures));
  if (opts.retry_unsafe)
    p.emplace_back("retry-unsafe",
                   "true: requests the server may have received were resent whatever the method");
  if (opts.rate > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g/s", opts.rate);
    p.emplace_back("rate", rate);
  }
  if (throttled.responses > 0) p.emplace_back("throttled", throttled.describe());
  p.emplace_back("odata-type", std::string(to_string(opts.odata_type)));
  if (!opts.metadata.empty()) p.emplace_back("metadata", join(opts.metadata));
  if (opts.strict_enums) p.emplace_back("strict-enums", "true");
  if (opts.strict_properties) p.emplace_back("strict-properties", "true");
  for (auto& [name, value] : p) value = redact(value);
  return p;
}

}  // namespace

run_result run_fixtures(const fixture_set& set, const options& opts, const progress_fn& progress) {
  if (opts.target.empty())
    throw std::runtime_error("no target: give the base URL of the server to replay against");
  const auto steady_start = std::chrono::steady_clock::now();
  run_result out;
  out.started_at = iso_utc(std::chrono::system_clock::now());
  const redactor redact(opts);

  std::vector<const fixture*> chosen;
  for (const fixture& f : set.fixtures)
    if (selected(f.id, opts)) chosen.push_back(&f);
  out.cases.resize(chosen.size());
  const std::string today = opts.today.empty() ? today_utc() : opts.today;
  waiver_book waivers(opts.waivers, today);
  case_book book{out, redact, progress, waivers};

  std::vector<std::size_t> to_send;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (auto c = settled_without_server(*chosen[i], opts))
      book.finish(i, std::move(*c));
    else
      to_send.push_back(i);
  }

  outgoing o = prepare_all(chosen, to_send, set, opts, book);
  throttling throttled;
  if (!o.requests.empty() && stop_reason(opts).empty()) {
    const check::options checks = check_options_of(opts);
    transport::http_client client(client_options_of(opts));
    // Request r's exchange as case i's verdict, with its evidence.
    auto case_of_exchange = [&](std::size_t r, transport::exchange_result& x) {
      const std::size_t i = o.case_of[r];
      const transport::outgoing_request& sent = o.requests[r];
      case_result c = base_case(*chosen[i]);
      c.method = sent.method;
      c.url = sent.url;
      c.substitutions = o.substitutions[r];
      judge(c, *chosen[i], set, opts, checks, x);
      const bool bad = c.outcome == verdict::failed || c.outcome == verdict::error;
      if (bad) c.curl = curl_command(c.method, c.url, sent.headers, sent.body, opts, redact);
      if (opts.keep_exchanges) c.request = request_excerpt(c.method, c.url, sent.headers, sent.body, redact);
      if (x.ok && (bad || opts.keep_exchanges)) c.response = response_excerpt(x.response, redact);
      return c;
    };
    auto rerun_wanted = [&](const case_result& c) {
      return opts.rerun_failures > 0 && (c.outcome == verdict::failed || c.outcome == verdict::error);
    };
    // Failed and errored cases wait for their reruns before the progress callback hears of them.
    std::vector<held_case> held;
    client.run(o.requests, [&](std::size_t r, transport::exchange_result&& x) {
      throttled.add(x);
      case_result c = case_of_exchange(r, x);
      if (!rerun_wanted(c)) return book.finish(o.case_of[r], std::move(c));
      held_case h{o.case_of[r], r, std::move(c), 0, false};
      h.seconds = h.first.seconds;
      h.first.attempts_detail.push_back(record_of(h.first));
      held.push_back(std::move(h));
    });
    for (int round = 1; round <= opts.rerun_failures && !held.empty() && stop_reason(opts).empty(); ++round) {
      std::vector<transport::outgoing_request> again;
      again.reserve(held.size());
      for (const held_case& h : held) again.push_back(o.requests[h.request]);
      client.run(again, [&](std::size_t k, transport::exchange_result&& x) {
        throttled.add(x);
        held_case& h = held[k];
        case_result c = case_of_exchange(h.request, x);
        h.seconds += c.seconds;
        h.first.attempts_detail.push_back(record_of(c));
        if (c.outcome != verdict::passed) return;
        c.flaky = true;
        c.seconds = h.seconds;
        c.attempts_detail = std::move(h.first.attempts_detail);
        h.settled = true;
        book.finish(h.case_index, std::move(c));
      });
      std::erase_if(held, [](const held_case& h) { return h.settled; });
    }
    // Failed every time (or the run was stopped): the first run's results stand, with every run listed.
    for (held_case& h : held) {
      h.first.seconds = h.seconds;
      book.finish(h.case_index, std::move(h.first));
    }
  }

  for (std::size_t i = 0; i < chosen.size(); ++i)
    out.cases[i].position = static_cast<std::size_t>(chosen[i] - set.fixtures.data());
  out.properties = run_properties(opts, throttled, redact);
  // Waivers that no longer apply, or covered nothing, are said so lists do not rot.
  std::string expired, unused;
  for (std::size_t n = 0; n < opts.waivers.size(); ++n) {
    const waiver& w = opts.waivers[n];
    if (!waivers.live[n]) {
      expired += (expired.empty() ? "" : "; ") + describe(w);
      out.warnings.push_back("waiver expired on " + w.until + " and no longer applies: " + describe(w));
    } else if (!waivers.used[n]) {
      unused += (unused.empty() ? "" : "; ") + describe(w);
      out.warnings.push_back("waiver matched no failure: " + describe(w));
    }
  }
  if (!expired.empty()) out.properties.emplace_back("waivers.expired", redact(expired));
  if (!unused.empty()) out.properties.emplace_back("waivers.unused", redact(unused));
  for (std::string& w : out.warnings) w = redact(w);
  if (std::string_view reason = stop_reason(opts); !reason.empty()) settle_interrupted(chosen, book, reason);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - steady_start).count();
  return out;
}

std::string_view to_string(check::odata_type_mode m) {
  switch (m) {
    case check::odata_type_mode::required:
      return "required";
    case check::odata_type_mode::if_present:
      return "if-present";
    case check::odata_type_mode::odata:
      return "odata";
  }
  return "odata";
}

std::optional<check::odata_type_mode> parse_odata_type_mode(std::string_view s) {
  if (s == "odata") return check::odata_type_mode::odata;
  if (s == "required") return check::odata_type_mode::required;
  if (s == "if-present" || s == "if_present") return check::odata_type_mode::if_present;
  return std::nullopt;
}

}  // namespace conform::run
