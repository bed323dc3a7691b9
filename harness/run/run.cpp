// Scheduling: which fixtures run, where they go (the target base URL), and how an
// exchange becomes a case_result.
#include "run/run.hpp"
#include "run/oauth2.hpp"

#include "check/check.hpp"
#include "transport/client.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <stdexcept>
#include <system_error>
#include <unordered_map>

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
  if (std::string why = foreign_host_skip(f, opts); !why.empty()) {
    c.skip_reason = std::move(why);
    return c;
  }
  return std::nullopt;
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
  co.proxy = {opts.http_proxy, opts.https_proxy, opts.no_proxy};
  if (token_source* tokens = opts.oauth2.get()) {
    co.authorization = [tokens] { return tokens->authorization(); };
    co.on_unauthorized = [tokens](std::string_view refused) {
      return tokens->refresh_after_unauthorized(refused);
    };
  }
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

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string method_of(const fixture& f) {
  return f.request.method.empty() ? "GET" : upper(f.request.method);
}

bool is_read_method(std::string_view m) {
  return m == "GET" || m == "HEAD";
}

void put_header(header_list& headers, const header& h) {
  for (header& mine : headers)
    if (iequals(mine.name, h.name)) {
      mine.value = h.value;
      return;
    }
  headers.push_back(h);
}

// Whether a variable of this name is bound for this fixture: by a scope or by the run (case-insensitive as
// bind_placeholders is).
bool has_variable(const std::map<std::string, std::string, std::less<>>& vars, std::string_view name) {
  if (vars.contains(name)) return true;
  return std::any_of(vars.begin(), vars.end(), [&](const auto& kv) { return iequals(kv.first, name); });
}

// Why a planned fixture is not sent (suite skip, a scope's skip, --read-only, --methods), or "".
std::string not_sent_reason(const fixture& f, const options& opts) {
  if (auto c = settled_without_server(f, opts)) return c->skip_reason;
  for (auto s = opts.scopes.rbegin(); s != opts.scopes.rend(); ++s)
    if (s->skip && scope_matches(*s, f)) return "skipped by suite scope: " + *s->skip;
  const std::string method = method_of(f);
  if (opts.read_only && !is_read_method(method))
    return "not sent: --read-only sends only GET and HEAD, not " + method;
  if (!opts.methods.empty() &&
      std::find(opts.methods.begin(), opts.methods.end(), method) == opts.methods.end())
    return "not sent: --methods " + join(opts.methods) + " leaves out " + method;
  return "";
}

// The fixtures' dependency components (a consumer with its producers), each named by its first fixture's
// id: --shard keeps a component in one shard.
std::unordered_map<std::size_t, std::string> component_roots(const fixture_set& set, const plan& p) {
  std::unordered_map<std::size_t, std::size_t> parent;
  std::function<std::size_t(std::size_t)> find = [&](std::size_t x) {
    auto it = parent.find(x);
    if (it == parent.end() || it->second == x) return x;
    return it->second = find(it->second);
  };
  for (const step& s : p.steps) {
    parent.try_emplace(s.fixture, s.fixture);
    for (std::size_t producer : s.depends_on) {
      parent.try_emplace(producer, producer);
      const std::size_t a = find(s.fixture), b = find(producer);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  }
  std::unordered_map<std::size_t, std::string> roots;
  for (const step& s : p.steps) roots[s.fixture] = set.fixtures[find(s.fixture)].id;
  return roots;
}

}  // namespace

bool scope_matches(const scope& s, const fixture& f) {
  if (std::none_of(s.match.begin(), s.match.end(), [&](const std::string& g) { return glob_match(g, f.id); }))
    return false;
  if (s.methods.empty()) return true;
  const std::string m = method_of(f);
  return std::any_of(s.methods.begin(), s.methods.end(), [&](const std::string& x) { return iequals(x, m); });
}

run_plan plan_run(const fixture_set& set, const options& opts) {
  run_plan rp;
  options unsharded = opts;
  unsharded.shard_index = unsharded.shard_count = 1;
  std::vector<std::size_t> to_plan;
  std::vector<bool> scope_used(opts.scopes.size());
  for (std::size_t i = 0; i < set.fixtures.size(); ++i) {
    const fixture& f = set.fixtures[i];
    if (!selected(f.id, unsharded)) continue;
    rp.chosen.push_back(i);
    for (std::size_t n = 0; n < opts.scopes.size(); ++n)
      if (!scope_used[n] && scope_matches(opts.scopes[n], f)) scope_used[n] = true;
    if (std::string why = not_sent_reason(f, opts); !why.empty())
      rp.skipped.emplace_back(i, std::move(why));
    else
      to_plan.push_back(i);
  }
  plan_inputs in;
  in.captures = opts.captures;
  in.bound = [&](std::size_t fixture, std::string_view name) {
    if (has_variable(opts.variables, name)) return true;
    return std::any_of(opts.scopes.begin(), opts.scopes.end(), [&](const scope& s) {
      return has_variable(s.variables, name) && scope_matches(s, set.fixtures[fixture]);
    });
  };
  rp.steps = make_plan(set, to_plan, in);

  if (opts.shard_count > 1) {
    // A fixture goes to the shard of its dependency component's first fixture, so a consumer runs where its
    // producer does; a fixture on its own (most) to the shard of its own id, as selected() says.
    const auto roots = component_roots(set, rp.steps);
    auto in_shard = [&](std::size_t i) {
      auto r = roots.find(i);
      const std::string& id = r != roots.end() ? r->second : set.fixtures[i].id;
      return shard_of(id, opts.shard_count) == opts.shard_index;
    };
    std::erase_if(rp.chosen, [&](std::size_t i) { return !in_shard(i); });
    std::erase_if(rp.skipped, [&](const auto& s) { return !in_shard(s.first); });
    std::erase_if(to_plan, [&](std::size_t i) { return !in_shard(i); });
    rp.steps = make_plan(set, to_plan, in);
  }

  for (std::size_t n = 0; n < opts.scopes.size(); ++n)
    if (!scope_used[n])
      rp.warnings.push_back(
          "suite scope " + std::to_string(n + 1) + " (match " + join(opts.scopes[n].match) +
          (opts.scopes[n].methods.empty() ? "" : ", methods " + join(opts.scopes[n].methods)) +
          ") matches no fixture");
  for (const auto& [id, o] : opts.overrides)
    if (std::none_of(set.fixtures.begin(), set.fixtures.end(), [&](const fixture& f) { return f.id == id; }))
      rp.warnings.push_back("suite override for \"" + id + "\" matches no fixture");
  return rp;
}

std::map<std::string, std::size_t> plan_writes(const fixture_set& set, const run_plan& p) {
  std::map<std::string, std::size_t> writes;
  for (const step& s : p.steps.steps) {
    const std::string m = method_of(set.fixtures[s.fixture]);
    if (!is_read_method(m) && m != "OPTIONS") ++writes[m];
  }
  return writes;
}

std::string plan_text(const fixture_set& set, const run_plan& p) {
  std::string out = plan_text(set, p.steps);
  if (!p.skipped.empty()) {
    out += "not sent (" + std::to_string(p.skipped.size()) + "):\n";
    for (const auto& [i, why] : p.skipped) out += "  " + set.fixtures[i].id + ": " + why + "\n";
  }
  for (const std::string& w : p.warnings) out += "warning: " + w + "\n";
  return out;
}

std::string plan_json(const fixture_set& set, const run_plan& p) {
  namespace json = boost::json;
  json::object root;
  json::array steps;
  for (std::size_t n = 0; n < p.steps.steps.size(); ++n) {
    const step& s = p.steps.steps[n];
    const fixture& f = set.fixtures[s.fixture];
    json::object o;
    o["step"] = n + 1;
    o["fixture"] = f.id;
    o["file"] = f.file;
    o["line"] = f.request.line != 0 ? f.request.line : f.line;
    o["method"] = method_of(f);
    o["url"] = f.request.url;
    o["role"] = to_string(s.role);
    o["group"] = s.group;
    json::array after;
    for (std::size_t g : p.steps.groups[s.group].after) after.push_back(g);
    o["after_groups"] = std::move(after);
    json::array bindings;
    for (const binding& b : s.bindings) {
      json::object jb;
      jb["documented"] = b.documented;
      jb["from"] = to_string(b.from);
      if (b.from == binding::source::variable || b.segment == binding::no_segment)
        jb["variable"] = b.variable;
      if (from_producer(b)) jb["producer"] = set.fixtures[b.producer].id;
      if (b.from == binding::source::capture || b.from == binding::source::discovery)
        jb["pointer"] = b.pointer;
      if (b.from == binding::source::parent) jb["key"] = b.parent_item;
      if (b.fresh) jb["fresh"] = true;
      if (b.from == binding::source::literal)
        jb["unbound"] = !b.documented.empty() && b.documented.front() == '{';
      bindings.push_back(std::move(jb));
    }
    o["bindings"] = std::move(bindings);
    json::array deps;
    for (std::size_t d : s.depends_on) deps.push_back(json::string(set.fixtures[d].id));
    o["depends_on"] = std::move(deps);
    steps.push_back(std::move(o));
  }
  root["steps"] = std::move(steps);
  json::array skipped;
  for (const auto& [i, why] : p.skipped)
    skipped.push_back(json::object{{"fixture", set.fixtures[i].id}, {"reason", why}});
  root["skipped"] = std::move(skipped);
  json::object writes;
  for (const auto& [m, n] : plan_writes(set, p)) writes[m] = n;
  root["writes"] = std::move(writes);
  json::array warnings;
  for (const std::string& w : p.warnings) warnings.push_back(json::string(w));
  root["warnings"] = std::move(warnings);
  return json::serialize(root) + "\n";
}

namespace {

bool success(int status) {
  return status >= 200 && status < 300;
}

// The URL without its query: where a created item lives, and what a DELETE names.
std::string_view without_query(std::string_view url) {
  return url.substr(0, url.find('?'));
}

// The keys of a sent URL by position in its documented resource path ("/teams/A/channels/B" -> A, B), read
// from the end (the target may add segments before it); empty when the names do not line up (a value
// with a '/').
std::vector<std::string> keys_in(std::string_view sent, const resource_path& documented) {
  const resource_path p = read_resource_path(sent);
  const std::vector<path_segment>& want = documented.segments;
  if (p.segments.size() < want.size()) return {};
  const std::size_t offset = p.segments.size() - want.size();
  for (std::size_t i = 0; i < want.size(); ++i)
    if (want[i].what == path_segment::kind::name && !iequals(want[i].text, p.segments[offset + i].text))
      return {};
  std::vector<std::string> keys;
  for (std::size_t at : documented.item_at) keys.push_back(p.segments[offset + at].text);
  return keys;
}

// Executes a run plan over the transport: a step is sent once its group may start and its producers have
// answered; a producer's answer gives its consumers their keys; a step whose producer produced nothing is
// skipped with the reason; reruns go straight back into the queue; a DELETE is followed by a GET that must
// not find the item; what the run created and did not delete is deleted at the end, what is under an item
// before it.
class plan_runner final : public transport::request_source {
 public:
  plan_runner(const fixture_set& set, const options& opts, const run_plan& rp, case_book& book,
              const redactor& redact, throttling& throttled)
      : set_(set),
        opts_(opts),
        plan_(rp.steps),
        book_(book),
        redact_(redact),
        throttled_(throttled),
        checks_(check_options_of(opts)),
        scratch_(opts) {
    for (std::size_t c = 0; c < rp.chosen.size(); ++c) case_of_.emplace(rp.chosen[c], c);
    steps_.resize(plan_.steps.size());
    groups_.resize(plan_.groups.size());
    for (std::size_t k = 0; k < plan_.steps.size(); ++k) step_of_.emplace(plan_.steps[k].fixture, k);
    for (std::size_t g = 0; g < plan_.groups.size(); ++g) {
      groups_[g].left = plan_.groups[g].end - plan_.groups[g].first;
      groups_[g].waiting_on = plan_.groups[g].after.size();
      for (std::size_t a : plan_.groups[g].after) groups_[a].then.push_back(g);
    }
    for (std::size_t k = 0; k < plan_.steps.size(); ++k)
      for (std::size_t producer : plan_.steps[k].depends_on)
        if (auto p = step_of_.find(producer); p != step_of_.end()) {
          ++steps_[k].producers_left;
          steps_[p->second].consumers.push_back(k);
        }
  }

  void start() {
    for (std::size_t g = 0; g < groups_.size(); ++g)
      if (groups_[g].waiting_on == 0) open_group(g);
    settle();
    if (done_ == steps_.size()) start_cleanup();
  }

  const transport::outgoing_request* next(std::size_t& id) override {
    if (ready_.empty() && in_flight_ == 0 && done_ < steps_.size()) break_cycle();
    if (ready_.empty()) return nullptr;
    id = ready_.top();
    ready_.pop();
    ++in_flight_;
    if (id < steps_.size()) return &steps_[id].request;
    return &extras_[id - steps_.size()].request;
  }
  bool uses_tls() const override {
    return istarts_with(opts_.target, "https:") ||
           std::any_of(opts_.hosts.begin(), opts_.hosts.end(),
                       [](const auto& h) { return istarts_with(h.second, "https:"); });
  }
  std::size_t most_at_once() const override { return std::max<std::size_t>(1, steps_.size()); }

  void done(std::size_t id, transport::exchange_result&& x) {
    --in_flight_;
    throttled_.add(x);
    if (id < steps_.size())
      step_answered(id, x);
    else
      extra_answered(id - steps_.size(), x);
    settle();
    if (done_ == steps_.size() && !cleanup_started_) start_cleanup();
  }

  // After the client returns (all done, or stopped): cases held for a rerun or a check keep what they have;
  // created resources not deleted are said to be left behind.
  void finish(run_result& out, bool stopped) {
    for (std::size_t k = 0; k < steps_.size(); ++k) {
      step_state& s = steps_[k];
      if (s.at == state::done || !s.held) continue;
      if (s.runs > 0 && s.held->attempts_detail.size() > 1) s.held->seconds = s.seconds;
      if (s.after_delete)
        s.held->notes.push_back("not checked that the item is gone: the run was interrupted");
      book_.finish(case_index(k), std::move(*s.held));
      s.at = state::done;
    }
    for (created_resource& c : created_)
      if (c.fate.empty()) {
        c.left_behind = true;
        c.fate = stopped ? "left behind: the run was interrupted" : "left behind";
      }
    out.created = std::move(created_);
    if (!unbound_.empty()) {
      std::vector<std::pair<std::string, std::size_t>> names(unbound_.begin(), unbound_.end());
      std::stable_sort(names.begin(), names.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      std::string list;
      for (const auto& [name, n] : names)
        list += (list.empty() ? "" : ", ") + name + " (" + std::to_string(n) +
                (n == 1 ? " fixture)" : " fixtures)");
      out.warnings.push_back("unbound placeholders: " + list +
                             "; bind them with --var NAME=VALUE, suite \"variables\" or \"scopes\", or a "
                             "suite \"captures\" entry");
      unbound_list_ = list;
    }
  }

 private:
  enum class state { waiting, ready, sent, done };
  struct step_state {
    state at = state::waiting;
    std::size_t producers_left = 0;
    std::vector<std::size_t> consumers;  // steps that need this one's answer
    transport::outgoing_request request;
    std::vector<std::string> substitutions;
    std::optional<boost::json::value> answer;  // a producer's 2xx body
    std::vector<std::string> keys_sent;  // a producer's keys as sent, by position ("/teams/{x}/..." -> x)
    // A delete that needs its own item (binding::fresh): its producer's request sent again, and the answer.
    bool fresh_sent = false;
    std::optional<boost::json::value> fresh_answer;
    std::string fresh_failed;        // why that create gave nothing
    std::string no_value;            // a producer that produced nothing: why ("failed (status 500)")
    bool failed = false;             // the producer errored or answered other than 2xx
    std::vector<std::string> notes;  // for the case: keys left as documented, and why
    int runs = 0;
    double seconds = 0;
    std::optional<case_result>
        held;  // the first run, while reruns go on; a DELETE's case until its GET is back
    bool after_delete = false;
  };
  struct group_state {
    std::size_t left = 0, waiting_on = 0;
    std::vector<std::size_t> then;
    bool open = false;
  };
  struct extra {
    enum class kind { after_delete, cleanup, fresh } what;
    std::size_t index = 0;  // the step (after_delete, fresh: the one that needs the item) or created_ entry
    transport::outgoing_request request;
  };

  std::size_t case_index(std::size_t k) const { return case_of_.at(plan_.steps[k].fixture); }
  const fixture& fixture_of(std::size_t k) const { return set_.fixtures[plan_.steps[k].fixture]; }

  void open_group(std::size_t g) {
    groups_[g].open = true;
    for (std::size_t k = plan_.groups[g].first; k < plan_.groups[g].end; ++k)
      if (steps_[k].producers_left == 0) prepare(k);
  }

  // The value a binding takes from its producer's answer, or "" with `why` set.
  // `failed`: the producer errored or answered other than 2xx (its consumers are skipped); otherwise a value
  // it did not give leaves the key as documented.
  std::string value_of(const binding& b, const step_state& consumer, std::string& why, bool& failed) const {
    const auto p = step_of_.find(b.producer);
    const std::string& pid = set_.fixtures[b.producer].id;
    failed = true;
    if (p == step_of_.end()) return why = "depends on " + pid + ", which is not in this run", "";
    const step_state& producer = steps_[p->second];
    failed = producer.failed;
    if (b.fresh && !failed) {
      if (!consumer.fresh_answer) return failed = true, why = consumer.fresh_failed, "";
      return value_at(*consumer.fresh_answer, b, pid, why);
    }
    if (b.from == binding::source::parent) {
      if (b.parent_item < producer.keys_sent.size() && !producer.keys_sent[b.parent_item].empty())
        return producer.keys_sent[b.parent_item];
      return why = "depends on " + pid + ", which " +
                   (producer.no_value.empty() ? "sent no such key" : producer.no_value),
             "";
    }
    if (!producer.answer) return why = "depends on " + pid + ", which " + producer.no_value, "";
    return value_at(*producer.answer, b, pid, why);
  }

  // The string or number at the binding's pointer of a producer's answer, or "" with `why` set.
  static std::string value_at(const boost::json::value& answer, const binding& b, const std::string& pid,
                              std::string& why) {
    boost::system::error_code ec;
    const boost::json::value* v = answer.find_pointer(b.pointer, ec);
    if (v == nullptr) {
      if (b.from == binding::source::discovery)
        return why = "depends on " + pid + ", which found no item", "";
      return why = "depends on " + pid + ", whose answer has no " + b.pointer, "";
    }
    if (v->is_string() && !v->get_string().empty()) return std::string(v->get_string());
    if (v->is_int64()) return std::to_string(v->get_int64());
    if (v->is_uint64()) return std::to_string(v->get_uint64());
    return why = "depends on " + pid + ", whose " + b.pointer + " is not a string or number", "";
  }

  // A step whose producers have answered: bind what they produced, build the request, queue it (or settle
  // the case now: skipped when a producer produced nothing, an error when a placeholder stays unbound).
  void prepare(std::size_t k) {
    step_state& s = steps_[k];
    const step& st = plan_.steps[k];
    const fixture& f = fixture_of(k);
    if (needs_fresh_item(k)) return;
    if (!st.note.empty() && std::find(s.notes.begin(), s.notes.end(), st.note) == s.notes.end())
      s.notes.push_back(st.note);
    std::vector<std::string> values(st.bindings.size());
    std::map<std::string, std::string, std::less<>> captured;
    for (std::size_t n = 0; n < st.bindings.size(); ++n) {
      const binding& b = st.bindings[n];
      if (!from_producer(b)) continue;
      std::string why;
      bool failed = false;
      values[n] = value_of(b, s, why, failed);
      if (values[n].empty()) {
        if (failed) return skip(k, why);
        s.notes.push_back(b.documented + " sent as documented: " + why);
      }
    }
    // A captured key also binds its placeholder's names elsewhere (headers, body), but not another key of
    // this URL left unbound: "/users/{id}/calendarPermissions/{id}" has two different ids.
    auto unbound_key_named = [&](std::string_view name) {
      for (std::size_t m = 0; m < st.bindings.size(); ++m)
        if (st.bindings[m].segment != binding::no_segment && values[m].empty())
          for (const placeholder& ph : find_placeholders(st.bindings[m].documented))
            if (std::find(ph.names.begin(), ph.names.end(), name) != ph.names.end()) return true;
      return false;
    };
    for (std::size_t n = 0; n < st.bindings.size(); ++n) {
      const binding& b = st.bindings[n];
      if (values[n].empty()) continue;
      if (b.segment == binding::no_segment) {
        captured[b.variable] = values[n];
      } else {
        for (const placeholder& ph : find_placeholders(b.documented))
          for (const std::string& name : ph.names)
            if (!unbound_key_named(name)) captured[name] = values[n];
      }
    }
    // A scope's variables and headers, then what was captured, over the run's.
    bool scoped = false;
    for (const scope& sc : opts_.scopes)
      if ((!sc.variables.empty() || !sc.headers.empty()) && scope_matches(sc, f)) scoped = true;
    const options* o = &opts_;
    if (scoped || !captured.empty()) {
      scratch_.variables = opts_.variables;
      scratch_.headers = opts_.headers;
      for (const scope& sc : opts_.scopes) {
        if (!scope_matches(sc, f)) continue;
        for (const auto& [name, value] : sc.variables) scratch_.variables[name] = value;
        for (const header& h : sc.headers) put_header(scratch_.headers, h);
      }
      for (auto& [name, value] : captured) scratch_.variables[name] = value;
      o = &scratch_;
    }
    prepared_request p;
    if (std::any_of(values.begin(), values.end(), [](const std::string& v) { return !v.empty(); })) {
      fixture bound = f;
      bound.request.url = bind_url(f.request.url, st, values);
      p = prepare_request(bound, set_.contract_for(f), *o, opts_.target);
      for (std::size_t n = 0; n < st.bindings.size(); ++n) {
        const binding& b = st.bindings[n];
        if (values[n].empty() || b.segment == binding::no_segment) continue;
        p.substitutions.push_back("url: " + b.documented + " -> " + values[n] + " (" +
                                  (b.from == binding::source::parent
                                       ? "parent, as sent by "
                                       : std::string(to_string(b.from)) + " " + b.pointer + " of ") +
                                  set_.fixtures[b.producer].id + ")");
      }
    } else {
      p = prepare_request(f, set_.contract_for(f), *o, opts_.target);
    }
    if (!p.error.empty()) {
      for (const std::string& u : p.unbound) ++unbound_[u];
      case_result c = base_case(f);
      c.method = p.method;
      c.url = p.url;
      c.outcome = verdict::error;
      c.error = run_error::placeholder;
      c.error_message = std::move(p.error);
      c.substitutions = std::move(p.substitutions);
      return settle_case(k, std::move(c));
    }
    s.substitutions = std::move(p.substitutions);
    if (!s.consumers.empty()) s.keys_sent = keys_in(p.url, st.path);
    s.request = {std::move(p.method), std::move(p.url), std::move(p.headers), std::move(p.body)};
    s.at = state::ready;
    ready_.push(k);
  }

  // A delete whose producer's item another delete takes: send the producer's request again first (once; the
  // step is prepared again when it is answered). True while that is under way.
  bool needs_fresh_item(std::size_t k) {
    step_state& s = steps_[k];
    if (s.fresh_sent) return false;
    for (const binding& b : plan_.steps[k].bindings) {
      if (!b.fresh) continue;
      const auto p = step_of_.find(b.producer);
      if (p == step_of_.end() || steps_[p->second].failed || steps_[p->second].request.method.empty())
        return false;  // value_of says why
      s.fresh_sent = true;
      extras_.push_back({extra::kind::fresh, k, steps_[p->second].request});
      ready_.push(steps_.size() + extras_.size() - 1);
      return true;
    }
    return false;
  }

  void skip(std::size_t k, std::string why) {
    case_result c = base_case(fixture_of(k));
    c.outcome = verdict::skipped;
    c.skip_reason = std::move(why);
    settle_case(k, std::move(c));
  }

  // Request k's exchange as its case's verdict, with its evidence.
  case_result case_of_exchange(std::size_t k, transport::exchange_result& x) {
    const transport::outgoing_request& sent = steps_[k].request;
    const fixture& f = fixture_of(k);
    case_result c = base_case(f);
    c.method = sent.method;
    c.url = sent.url;
    c.substitutions = steps_[k].substitutions;
    judge(c, f, set_, opts_, checks_, x);
    c.notes.insert(c.notes.end(), steps_[k].notes.begin(), steps_[k].notes.end());
    const bool bad = c.outcome == verdict::failed || c.outcome == verdict::error;
    if (bad) c.curl = curl_command(c.method, c.url, sent.headers, sent.body, opts_, redact_);
    if (opts_.keep_exchanges) {
      c.request = request_excerpt(c.method, c.url, sent.headers, sent.body, redact_);
      // The transport adds the OAuth2 token; the excerpt says so the way the curl line does, without it.
      if (opts_.oauth2)
        put_header(c.request->headers, {"Authorization", "Bearer $" + std::string(oauth2_token_env)});
    }
    if (x.ok && (bad || opts_.keep_exchanges)) c.response = response_excerpt(x.response, redact_);
    return c;
  }

  // A create's 2xx answer naming an id: the item now exists (whatever the checks say), to be deleted later.
  void note_created(std::size_t k, const boost::json::value* body) {
    if (plan_.steps[k].role != step_role::create || body == nullptr || !body->is_object()) return;
    const auto* id = body->get_object().if_contains("id");
    if (id == nullptr || !id->is_string() || id->get_string().empty()) return;
    const auto& segs = plan_.steps[k].path.segments;
    if (!segs.empty() && segs.back().text == "$ref") return;  // a relation, gone with its parent
    created_resource c;
    c.fixture_id = fixture_of(k).id;
    c.url =
        std::string(without_query(steps_[k].request.url)) + "/" + encode_url(std::string(id->get_string()));
    created_.push_back(std::move(c));
    created_headers_.push_back(steps_[k].request.headers);
  }

  void step_answered(std::size_t k, transport::exchange_result& x) {
    step_state& s = steps_[k];
    case_result c = case_of_exchange(k, x);
    ++s.runs;
    s.seconds += c.seconds;
    std::optional<boost::json::value> body;
    if (x.ok && success(x.response.status) &&
        (plan_.steps[k].role == step_role::create || !s.consumers.empty())) {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(x.response.body, ec);
      if (!ec) body = std::move(v);
    }
    note_created(k, body ? &*body : nullptr);
    const bool bad = c.outcome == verdict::failed || c.outcome == verdict::error;
    if (bad && s.runs <= opts_.rerun_failures && !stopping()) {
      // Run again at once (a consumer waits for the producer's final answer).
      if (!s.held) {
        s.held = std::move(c);
        s.held->attempts_detail.push_back(record_of(*s.held));
      } else {
        s.held->attempts_detail.push_back(record_of(c));
      }
      ready_.push(k);
      return;
    }
    if (s.held) {  // this was a rerun
      s.held->attempts_detail.push_back(record_of(c));
      if (c.outcome == verdict::passed || c.outcome == verdict::inconclusive) {
        c.flaky = true;
        c.attempts_detail = std::move(s.held->attempts_detail);
      } else {
        c = std::move(*s.held);
      }
      c.seconds = s.seconds;
      s.held.reset();
    }
    // What consumers get: the answer of a producer that answered 2xx, whatever else it failed.
    if (!s.consumers.empty()) {
      if (body) {
        s.answer = std::move(body);
      } else {
        s.failed = !x.ok || !success(x.response.status);
        s.no_value = !x.ok ? "failed (" + std::string(stage_name(x.error)) + ")"
                     : !success(x.response.status)
                         ? "failed (status " + std::to_string(x.response.status) + ")"
                         : "answered without a JSON body";
      }
    }
    if (plan_.steps[k].role == step_role::remove && x.ok && success(x.response.status)) {
      const std::string_view gone = without_query(s.request.url);
      for (created_resource& cr : created_)
        if (cr.fate.empty() && cr.url == gone) cr.fate = "deleted by " + fixture_of(k).id;
      if (plan_.steps[k].path.ends_with_item()) {
        // The DELETE's case waits for a GET of the item, which must not find it.
        extra e{extra::kind::after_delete, k, {"GET", std::string(gone), s.request.headers, ""}};
        std::erase_if(e.request.headers, [](const header& h) { return iequals(h.name, "Content-Type"); });
        e.request.headers.push_back({std::string(after_delete_header), "1"});
        s.held = std::move(c);
        s.after_delete = true;
        extras_.push_back(std::move(e));
        ready_.push(steps_.size() + extras_.size() - 1);
        return;
      }
    }
    settle_case(k, std::move(c));
  }

  void extra_answered(std::size_t e, transport::exchange_result& x) {
    extra& ex = extras_[e];
    if (ex.what == extra::kind::fresh) return fresh_answered(ex.index, x);
    if (ex.what == extra::kind::cleanup) return cleanup_answered(ex.index, x);
    step_state& s = steps_[ex.index];
    case_result c = std::move(*s.held);
    s.held.reset();
    s.after_delete = false;
    if (!x.ok) {
      c.notes.push_back("GET " + ex.request.url + " after the DELETE got no answer: " + x.error_message);
    } else if (success(x.response.status)) {
      check_result k;
      k.check = check_id::status;
      k.outcome = check_outcome::failed;
      k.expected = "404 or 410 from GET after the DELETE";
      k.actual = std::to_string(x.response.status);
      k.message = "GET " + ex.request.url + " after the DELETE answered " +
                  std::to_string(x.response.status) + ": the item is still there";
      c.checks.insert(c.checks.begin(), std::move(k));
      if (c.outcome == verdict::passed) {
        c.outcome = verdict::failed;
        c.curl = curl_command("GET", ex.request.url, ex.request.headers, "", opts_, redact_);
        c.response = response_excerpt(x.response, redact_);
      }
      for (created_resource& cr : created_)
        if (cr.url == without_query(ex.request.url) && !cr.fate.empty() && cr.fate.starts_with("deleted by"))
          cr.fate.clear();  // still there: cleanup tries again
    } else {
      ++c.passed_checks;
      c.notes.push_back("GET after the DELETE answered " + std::to_string(x.response.status));
    }
    settle_case(ex.index, std::move(c));
  }

  // The producer's request sent again for delete k: the new item is recorded as created (so the cleanup
  // finds it if the delete does not delete it), and k goes on with its key, or is skipped saying why not.
  void fresh_answered(std::size_t k, transport::exchange_result& x) {
    step_state& s = steps_[k];
    const binding& b = *std::find_if(plan_.steps[k].bindings.begin(), plan_.steps[k].bindings.end(),
                                     [](const binding& one) { return one.fresh; });
    const std::size_t producer = step_of_.at(b.producer);
    const std::string what = "depends on a new item from " + set_.fixtures[b.producer].id + ", whose create ";
    if (!x.ok) {
      s.fresh_failed = what + "failed: " + redact_(x.error_message);
    } else if (!success(x.response.status)) {
      s.fresh_failed = what + "answered " + std::to_string(x.response.status);
    } else {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(x.response.body, ec);
      if (ec || !v.is_object()) {
        s.fresh_failed = what + "answered without a JSON body";
      } else {
        note_created(producer, &v);
        s.fresh_answer = std::move(v);
      }
    }
    prepare(k);
  }

  // Case k has its verdict: record it, then let what waited for it go on (settle() does, iteratively).
  void settle_case(std::size_t k, case_result&& c) {
    book_.finish(case_index(k), std::move(c));
    steps_[k].at = state::done;
    settled_.push_back(k);
  }

  void settle() {
    while (!settled_.empty()) {
      const std::size_t k = settled_.back();
      settled_.pop_back();
      ++done_;
      for (std::size_t consumer : steps_[k].consumers)
        if (--steps_[consumer].producers_left == 0 && groups_[plan_.steps[consumer].group].open &&
            steps_[consumer].at == state::waiting)
          prepare(consumer);
      group_state& g = groups_[plan_.steps[k].group];
      if (--g.left == 0)
        for (std::size_t next : g.then)
          if (--groups_[next].waiting_on == 0) open_group(next);
    }
  }

  // Nothing ready, nothing in flight, steps still waiting: their dependencies form a cycle (explicit captures
  // across resources can); the first waiting step is skipped so the rest can go on.
  void break_cycle() {
    for (std::size_t k = 0; k < steps_.size() && ready_.empty(); ++k) {
      if (steps_[k].at != state::waiting) continue;
      skip(k, "not run: its dependencies form a cycle");
      settle();
    }
    if (done_ == steps_.size() && !cleanup_started_) start_cleanup();
  }

  void start_cleanup() {
    cleanup_started_ = true;
    const bool may_delete =
        !opts_.read_only && (opts_.methods.empty() || std::find(opts_.methods.begin(), opts_.methods.end(),
                                                                "DELETE") != opts_.methods.end());
    for (std::size_t n = created_.size(); n-- > 0;) {
      created_resource& c = created_[n];
      if (!c.fate.empty()) continue;
      if (opts_.keep_created) {
        c.fate = "kept (--keep-created)";
        c.left_behind = true;
      } else if (!may_delete) {
        c.fate = "kept: the run may not send DELETE (--methods)";
        c.left_behind = true;
      } else {
        cleanup_.push_back({n});
      }
    }
    for (std::size_t p = 0; p < cleanup_.size(); ++p)
      cleanup_at_[created_[cleanup_[p].created].url].push_back(p);
    for (std::size_t q = 0; q < cleanup_.size(); ++q)
      for_each_enclosing(q, [&](cleanup_item& outer) { ++outer.nested_left; });
    for (std::size_t p = 0; p < cleanup_.size(); ++p) send_cleanup(p);
  }

  // Each cleanup position whose URL encloses position q's ("/groups/a" encloses "/groups/a/threads/b").
  template <class F>
  void for_each_enclosing(std::size_t q, F f) {
    std::string_view url = created_[cleanup_[q].created].url;
    for (std::size_t slash = url.rfind('/'); slash != std::string_view::npos && slash > 0;
         slash = url.rfind('/', slash - 1)) {
      const auto it = cleanup_at_.find(std::string(url.substr(0, slash)));
      if (it != cleanup_at_.end())
        for (std::size_t p : it->second) f(cleanup_[p]);
    }
  }

  // What the run made is deleted concurrently, except that an item goes only once the items the run made
  // under it are answered (a thread before its group).
  void send_cleanup(std::size_t p) {
    cleanup_item& item = cleanup_[p];
    if (item.sent || item.nested_left > 0 || stopping()) return;
    item.sent = true;
    const std::size_t n = item.created;
    extra e{extra::kind::cleanup, p, {"DELETE", created_[n].url, created_headers_[n], ""}};
    std::erase_if(e.request.headers, [](const header& h) { return iequals(h.name, "Content-Type"); });
    extras_.push_back(std::move(e));
    ready_.push(steps_.size() + extras_.size() - 1);
  }

  // A refused cleanup DELETE is tried once more after every other one is answered: what refused may have
  // been held by something deleted since (a group still named in an assignment).
  void cleanup_answered(std::size_t p, transport::exchange_result& x) {
    cleanup_item& item = cleanup_[p];
    created_resource& c = created_[item.created];
    ++cleanup_answered_;
    if (x.ok && success(x.response.status)) {
      c.fate = "cleaned up (" + std::to_string(x.response.status) + ")";
      c.left_behind = false;
    } else if (x.ok && (x.response.status == 404 || x.response.status == 410)) {
      // Gone already: deleted with what it was made under, or by the service itself.
      c.fate = "already gone (" + std::to_string(x.response.status) + ")";
      c.left_behind = false;
    } else {
      c.left_behind = true;
      c.fate = x.ok ? "cleanup failed: DELETE answered " + std::to_string(x.response.status)
                    : "cleanup failed: " + redact_(x.error_message);
      if (!item.retried) cleanup_refused_.push_back(p);
    }
    for_each_enclosing(p, [&](cleanup_item& outer) { --outer.nested_left; });
    for (std::size_t q = 0; q < cleanup_.size(); ++q) send_cleanup(q);
    if (cleanup_answered_ == cleanup_.size() + cleanup_retries_ && !cleanup_refused_.empty()) {
      std::vector<std::size_t> again = std::move(cleanup_refused_);
      cleanup_refused_.clear();
      cleanup_retries_ += again.size();
      for (std::size_t q : again) {
        cleanup_[q].sent = false;
        cleanup_[q].retried = true;
        send_cleanup(q);
      }
    }
  }

  bool stopping() const { return opts_.stop_reason && !opts_.stop_reason().empty(); }

  const fixture_set& set_;
  const options& opts_;
  const plan& plan_;
  case_book& book_;
  const redactor& redact_;
  throttling& throttled_;
  const check::options checks_;
  options scratch_;  // the run's options with one step's scope and captured variables
  std::unordered_map<std::size_t, std::size_t> case_of_, step_of_;  // fixture -> case, fixture -> step
  std::vector<step_state> steps_;
  std::vector<group_state> groups_;
  std::deque<extra> extras_;
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready_;  // plan order first
  std::vector<std::size_t> settled_;
  std::size_t done_ = 0, in_flight_ = 0;
  std::vector<created_resource> created_;
  std::vector<header_list> created_headers_;  // the create's request headers (auth), for its cleanup
  struct cleanup_item {
    std::size_t created = 0;      // index into created_
    std::size_t nested_left = 0;  // cleanup DELETEs of items under this one not yet answered
    bool sent = false, retried = false;
  };
  std::vector<cleanup_item> cleanup_;                                     // newest first
  std::unordered_map<std::string, std::vector<std::size_t>> cleanup_at_;  // URL -> cleanup positions
  std::vector<std::size_t> cleanup_refused_;
  std::size_t cleanup_answered_ = 0, cleanup_retries_ = 0;
  bool cleanup_started_ = false;
  std::map<std::string, std::size_t> unbound_;  // placeholder -> fixtures that needed it
  std::string unbound_list_;

 public:
  // "{id} (546 fixtures), {callId} (12 fixtures)" once finish() has run; "" when every placeholder was bound.
  const std::string& unbound_list() const { return unbound_list_; }
};

}  // namespace

run_result run_fixtures(const fixture_set& set, const options& given, const progress_fn& progress) {
  if (given.target.empty())
    throw std::runtime_error("no target: give the base URL of the server to replay against");
  const auto steady_start = std::chrono::steady_clock::now();
  run_result out;
  out.started_at = iso_utc(std::chrono::system_clock::now());
  const run_plan rp = plan_run(set, given);
  // A scope's expected status is an override of the fixtures it matches (an explicit override wins).
  options opts = given;
  for (std::size_t i : rp.chosen)
    for (auto sc = given.scopes.rbegin(); sc != given.scopes.rend(); ++sc)
      if (sc->status && scope_matches(*sc, set.fixtures[i])) {
        fixture_override& o = opts.overrides[set.fixtures[i].id];
        if (!o.status) o.status = sc->status;
        break;
      }
  const redactor redact(opts);

  out.cases.resize(rp.chosen.size());
  const std::string today = opts.today.empty() ? today_utc() : opts.today;
  waiver_book waivers(opts.waivers, today);
  case_book book{out, redact, progress, waivers};
  std::unordered_map<std::size_t, std::size_t> case_of;
  for (std::size_t c = 0; c < rp.chosen.size(); ++c) case_of.emplace(rp.chosen[c], c);
  for (const auto& [i, why] : rp.skipped) {
    case_result c = base_case(set.fixtures[i]);
    c.outcome = verdict::skipped;
    c.skip_reason = why;
    book.finish(case_of.at(i), std::move(c));
  }

  throttling throttled;
  plan_runner runner(set, opts, rp, book, redact, throttled);
  if (stop_reason(opts).empty()) {
    runner.start();
    transport::http_client client(client_options_of(opts));
    client.run(runner,
               [&](std::size_t id, transport::exchange_result&& x) { runner.done(id, std::move(x)); });
  }
  runner.finish(out, !stop_reason(opts).empty());

  for (std::size_t c = 0; c < rp.chosen.size(); ++c) out.cases[c].position = rp.chosen[c];
  out.properties = run_properties(opts, throttled, redact);
  if (!runner.unbound_list().empty()) out.properties.emplace_back("unbound", redact(runner.unbound_list()));
  if (!out.created.empty()) {
    std::size_t left = 0;
    for (created_resource& c : out.created) {
      c.url = redact(c.url);
      left += c.left_behind;
    }
    out.properties.emplace_back("created", std::to_string(out.created.size()) + " resources, " +
                                               std::to_string(out.created.size() - left) + " deleted, " +
                                               std::to_string(left) + " left");
    if (left > 0)
      out.warnings.push_back(std::to_string(left) + " resource" + (left == 1 ? "" : "s") +
                             " the run created still exist" + (left == 1 ? "s" : "") + " (see \"created\")");
  }
  for (const std::string& w : rp.warnings) out.warnings.push_back(w);
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
  std::vector<const fixture*> chosen;
  for (std::size_t i : rp.chosen) chosen.push_back(&set.fixtures[i]);
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
