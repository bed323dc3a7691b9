// conform run [PATH...] [--suite FILE] [--target URL] ...: replay documented examples, check, report.
// Settings come from the suite file, then the environment (CONFORM_VAR_*), then flags: the later one wins.
#include "commands.hpp"
#include "embedded_server.hpp"
#include "extract/extract.hpp"
#include "metadata.hpp"
#include "report/diff.hpp"
#include "report/report.hpp"
#include "run/oauth2.hpp"
#include "run/run.hpp"
#include "signals.hpp"
#include "transport/client.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>

extern char** environ;

namespace conform::cli {
namespace {

struct run_cmd_options {
  std::vector<std::string> paths;
  std::string suite_file;
  std::string target;
  std::vector<std::string> vars, headers, secret_headers, include, exclude;
  std::string bearer_env;
  std::string junit, junit_surefire, json, html;
  std::string baseline;
  std::string shard;
  std::size_t concurrency = 8;
  long long timeout_ms = 30000, connect_timeout_ms = 10000;
  std::size_t max_body = 16 * 1024 * 1024;
  int retries = 0;
  int rerun_failures = 0;
  std::size_t max_failures = 0;  // --max-failures N (--fail-fast: 1); 0 = no limit
  bool fail_fast = false;
  bool retry_unsafe = false;
  double rate = 0;
  std::string cacert;
  std::string odata_type = "odata";
  std::string color = "auto";
  std::vector<std::string> metadata;
  std::string default_version;  // "" = the suite's, else v1.0
  bool insecure = false, strict_enums = false, strict_properties = false, fill = false, verbose = false;
  bool plan = false, read_only = false, keep_created = false;
  std::vector<std::string> methods;
  std::string oauth2_token_url, client_id, client_secret_env, scope, proxy;  // "" = the suite's, if any
  // Which flags were given, so a suite's value survives an absent flag.
  CLI::Option *target_opt = nullptr, *bearer_opt = nullptr, *concurrency_opt = nullptr,
              *timeout_opt = nullptr, *connect_timeout_opt = nullptr, *max_body_opt = nullptr,
              *retries_opt = nullptr, *cacert_opt = nullptr, *odata_opt = nullptr, *junit_opt = nullptr,
              *json_opt = nullptr, *rate_opt = nullptr, *rerun_opt = nullptr;
};

std::pair<std::string, std::string> split_var(const std::string& kv) {
  auto eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) throw usage_error("--var expects NAME=VALUE, got \"" + kv + "\"");
  return {kv.substr(0, eq), kv.substr(eq + 1)};
}

header split_header(const std::string& spec) {
  auto colon = spec.find(':');
  if (colon == std::string::npos || colon == 0)
    // Not echoed: a mistyped "Authorization Bearer <token>" would put the token in the CI log.
    throw usage_error("--header expects 'Name: value' (one argument had no ':')");
  std::string name = spec.substr(0, colon), value = spec.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return {name, value};
}

void set_header(header_list& headers, header h) {
  for (header& x : headers)
    if (iequals(x.name, h.name)) {
      x.value = std::move(h.value);
      return;
    }
  headers.push_back(std::move(h));
}

// Proxies as curl takes them: --proxy (suite "proxy") for both schemes, else https_proxy/HTTPS_PROXY for
// https targets and http_proxy/HTTP_PROXY for http ones (all_proxy/ALL_PROXY for either; lower case first);
// no_proxy/NO_PROXY applies to all of them.
void set_proxies(const run_cmd_options& cli, const run::suite& s, run::options& o) {
  auto env = [](std::initializer_list<const char*> names) -> std::pair<std::string, std::string> {
    for (const char* n : names)
      if (const char* v = std::getenv(n); v != nullptr && *v != '\0') return {v, n};
    return {};
  };
  std::pair<std::string, std::string> given{cli.proxy, "--proxy"};
  if (given.first.empty() && s.proxy) given = {*s.proxy, "suite \"proxy\""};
  auto https = !given.first.empty() ? given : env({"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"});
  auto http = !given.first.empty() ? given : env({"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"});
  for (const auto& [url, from] : {https, http})
    if (!url.empty())
      if (std::string problem = transport::proxy_url_problem(url); !problem.empty())
        throw usage_error(from + " " + transport::proxy_display(url) + ": " + problem);
  o.https_proxy = https.first;
  o.http_proxy = http.first;
  o.no_proxy = env({"no_proxy", "NO_PROXY"}).first;
}

// OAuth2 client credentials: a token before any case is sent; a fetch that fails stops the run (exit 3).
void start_oauth2(const run_cmd_options& cli, const run::suite& s, run::options& o) {
  auto pick = [](const std::string& flag, const std::optional<std::string>& suite) {
    return !flag.empty() ? flag : suite.value_or("");
  };
  run::oauth2_settings a;
  a.token_url = pick(cli.oauth2_token_url, s.oauth2_token_url);
  a.client_id = pick(cli.client_id, s.client_id);
  a.client_secret_env = pick(cli.client_secret_env, s.client_secret_env);
  a.scope = pick(cli.scope, s.oauth2_scope);
  if (a.token_url.empty()) {
    if (!a.client_id.empty() || !a.client_secret_env.empty() || !a.scope.empty())
      throw usage_error("--client-id, --client-secret-env and --scope need --oauth2-token-url");
    return;
  }
  if (a.token_url.rfind("https://", 0) != 0 && a.token_url.rfind("http://", 0) != 0)
    throw usage_error("--oauth2-token-url must be an http:// or https:// URL");
  // Plain http carries the client secret readable on the way; fine on loopback, worth a word elsewhere.
  if (a.token_url.rfind("http://", 0) == 0 && a.token_url.rfind("http://127.", 0) != 0 &&
      a.token_url.rfind("http://localhost", 0) != 0 && a.token_url.rfind("http://[::1]", 0) != 0)
    std::cerr << "conform: WARNING: --oauth2-token-url is http://: the client secret travels unencrypted\n";
  if (a.client_id.empty()) throw usage_error("--oauth2-token-url needs --client-id");
  if (a.client_secret_env.empty())
    throw usage_error(
        "--oauth2-token-url needs --client-secret-env VAR, the variable holding the client secret");
  if (!o.bearer_token.empty())
    throw usage_error("--bearer-env and --oauth2-token-url both give the Authorization header: choose one");
  const char* secret = std::getenv(a.client_secret_env.c_str());
  if (secret == nullptr || *secret == '\0')
    throw usage_error("environment variable " + a.client_secret_env +
                      " (--client-secret-env) is not set or empty");
  a.client_secret = secret;
  o.oauth2 = std::make_shared<run::token_source>(std::move(a), o);
  if (std::string problem = o.oauth2->fetch(); !problem.empty())
    throw usage_error(problem + "; no case was sent");
}

run::options merge(const run_cmd_options& cli, const run::suite& s, std::vector<std::string>& paths,
                   std::string& junit, std::string& json) {
  run::options o;
  paths = !cli.paths.empty() ? cli.paths : s.paths;
  o.target = cli.target_opt->count() ? cli.target : s.target.value_or("");
  if (!o.target.empty() && o.target.rfind("http://", 0) != 0 && o.target.rfind("https://", 0) != 0)
    throw usage_error("--target must be an http:// or https:// URL");

  o.variables = s.variables;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv = *e;
    constexpr std::string_view prefix = "CONFORM_VAR_";
    if (kv.rfind(prefix, 0) != 0) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos || eq == prefix.size()) continue;
    o.variables[std::string(kv.substr(prefix.size(), eq - prefix.size()))] = std::string(kv.substr(eq + 1));
  }
  for (const std::string& kv : cli.vars) {
    auto [k, v] = split_var(kv);
    o.variables[k] = v;
  }

  o.headers = s.headers;
  for (const std::string& h : cli.headers) set_header(o.headers, split_header(h));
  o.secret_headers = s.secret_headers;
  o.secret_headers.insert(o.secret_headers.end(), cli.secret_headers.begin(), cli.secret_headers.end());

  // The token itself never goes on a command line (shell history, ps): only the name of a variable holding
  // it.
  std::string bearer_env = cli.bearer_opt->count() ? cli.bearer_env : s.bearer_env.value_or("");
  if (!bearer_env.empty()) {
    const char* token = std::getenv(bearer_env.c_str());
    if (token == nullptr || *token == '\0')
      throw usage_error("environment variable " + bearer_env + " (--bearer-env) is not set or empty");
    o.bearer_token = token;
    o.bearer_env = bearer_env;  // curl lines in the reports say "$<bearer_env>", never the token
  }

  o.concurrency = cli.concurrency_opt->count() ? cli.concurrency : s.concurrency.value_or(cli.concurrency);
  o.timeout = std::chrono::milliseconds(cli.timeout_opt->count() ? cli.timeout_ms
                                                                 : s.timeout_ms.value_or(cli.timeout_ms));
  o.connect_timeout = std::chrono::milliseconds(cli.connect_timeout_opt->count()
                                                    ? cli.connect_timeout_ms
                                                    : s.connect_timeout_ms.value_or(cli.connect_timeout_ms));
  o.max_body = cli.max_body_opt->count() ? cli.max_body : s.max_body.value_or(cli.max_body);
  o.retries = cli.retries_opt->count() ? cli.retries : s.retries.value_or(cli.retries);
  o.rerun_failures = cli.rerun_opt->count() ? cli.rerun_failures : s.rerun_failures.value_or(0);
  o.retry_unsafe = cli.retry_unsafe || s.retry_unsafe.value_or(false);
  o.rate = cli.rate_opt->count() ? cli.rate : s.rate.value_or(cli.rate);
  o.cacert = cli.cacert_opt->count() ? cli.cacert : s.cacert.value_or("");
  if (!o.cacert.empty() && !std::filesystem::is_regular_file(o.cacert))
    throw usage_error("--cacert: no such file: " + o.cacert);
  o.insecure = cli.insecure || s.insecure.value_or(false);
  o.strict_enums = cli.strict_enums || s.strict_enums.value_or(false);
  o.strict_properties = cli.strict_properties || s.strict_properties.value_or(false);
  o.fill_placeholders = cli.fill || s.fill_placeholders.value_or(false);
  o.odata_type = cli.odata_opt->count() ? *run::parse_odata_type_mode(cli.odata_type)
                                        : s.odata_type.value_or(check::odata_type_mode::odata);
  // Flags add to the suite's documents.
  o.metadata = s.metadata;
  o.metadata.insert(o.metadata.end(), cli.metadata.begin(), cli.metadata.end());
  o.include = !cli.include.empty() ? cli.include : s.include;
  o.exclude = !cli.exclude.empty() ? cli.exclude : s.exclude;
  if (!cli.shard.empty()) {
    try {
      std::tie(o.shard_index, o.shard_count) = run::parse_shard(cli.shard);
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
  }
  o.overrides = s.overrides;
  o.waivers = s.waivers;
  o.scopes = s.scopes;
  o.captures = s.captures;
  o.read_only = cli.read_only || s.read_only.value_or(false);
  o.keep_created = cli.keep_created || s.keep_created.value_or(false);
  o.methods = s.methods;
  if (!cli.methods.empty()) {
    o.methods.clear();
    for (const std::string& list : cli.methods)  // "GET,POST" or repeated
      for (std::size_t start = 0; start <= list.size();) {
        std::size_t comma = std::min(list.find(',', start), list.size());
        std::string m = list.substr(start, comma - start);
        for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!m.empty()) o.methods.push_back(std::move(m));
        start = comma + 1;
      }
  }
  set_proxies(cli, s, o);
  o.default_version = !cli.default_version.empty() ? cli.default_version : s.default_version.value_or("v1.0");
  o.hosts = s.hosts;
  junit = cli.junit_opt->count() ? cli.junit : s.junit.value_or("");
  json = cli.json_opt->count() ? cli.json : s.json.value_or("");
  return o;
}

// Where the reports go, each named as the user named it (flag or suite setting) in messages.
struct report_paths {
  std::string junit, json, surefire_dir, html;
};

// A report path that cannot be written is a configuration error found before anything is sent, not after
// hours of work. Nothing is created or opened here (a FIFO would wait for its reader).
void check_report_paths(const report_paths& p) {
  auto check = [](const char* flag, const std::string& path, bool dir) {
    if (path.empty()) return;
    std::error_code ec;
    dir ? report::check_report_dir(path, ec) : report::check_report_path(path, ec);
    if (ec) throw usage_error(std::string(flag) + " " + path + ": cannot be written: " + ec.message());
  };
  check("--junit", p.junit, false);
  check("--junit-surefire", p.surefire_dir, true);
  check("--json", p.json, false);
  check("--html", p.html, false);
}

// The numeric flags' ranges are run's (run::validate), the same table a suite is read against: one range
// check however a setting is given.
void validate_limits(const run::options& o) {
  try {
    run::validate(o);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
}

// "Requests in flight (1-1024)": the help shows the range validate_limits holds a flag to.
std::string with_range(std::string_view what, const run::setting_range& r) {
  return std::string(what) + " (" + std::to_string(r.min) + "-" + std::to_string(r.max) + ")";
}

// Each exchange in flight holds a descriptor, two with the embedded reference server (its end of the
// connection is in this process too); past the open-file limit connects fail with EMFILE and the server
// cannot accept. Concurrency is lowered to what fits, keeping up to 64 descriptors for everything else
// (pages, reports, event loops), and the run says so.
void fit_concurrency_to_open_files(run::options& o, bool embedded_target) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
  const auto open_files = static_cast<std::size_t>(limit.rlim_cur);
  const std::size_t spare = std::min<std::size_t>(64, open_files / 2);
  const std::size_t fits = std::max<std::size_t>(1, (open_files - spare) / (embedded_target ? 2 : 1));
  if (o.concurrency <= fits) return;
  std::cerr << "conform: --concurrency " << o.concurrency << " lowered to " << fits
            << " to fit the open-file limit (ulimit -n) of " << open_files << "\n";
  o.concurrency_note = "lowered from " + std::to_string(o.concurrency) + " to fit the open-file limit of " +
                       std::to_string(open_files);
  o.concurrency = fits;
}

// One file per page, named uniquely even where pages' safe names meet ("op a", "op_a", "op:a").
template <class Write>
void write_surefire(const run_result& r, const std::string& dir, Write& write) {
  auto suites = report::junit_surefire_suites(r);
  std::vector<std::string> pages;
  for (const auto& [page, xml] : suites) pages.push_back(page);
  std::vector<std::string> names = report::surefire_file_names(pages);
  for (std::size_t i = 0; i < suites.size(); ++i)
    write("--junit-surefire", (std::filesystem::path(dir) / names[i]).string(), suites[i].second);
}

// Every report is attempted, so one that fails (a full disk, a FIFO whose reader left) costs only itself;
// each failure is named on stderr. False when any failed.
bool write_reports(const run_result& r, const report_paths& p) {
  ignore_sigpipe();
  bool all_written = true;
  auto write = [&](const char* flag, const std::string& path, std::string_view content) {
    std::error_code ec;
    report::write_file_atomic(path, content, ec);
    if (!ec) return;
    std::cerr << "conform: cannot write the " << flag << " report " << path << ": " << ec.message() << '\n';
    all_written = false;
  };
  if (!p.junit.empty()) write("--junit", p.junit, report::junit_xml(r));
  if (!p.surefire_dir.empty()) write_surefire(r, p.surefire_dir, write);
  if (!p.json.empty()) write("--json", p.json, report::json_report(r));
  if (!p.html.empty()) write("--html", p.html, report::html_report(r, html_options_here()));
  return all_written;
}

// A signal's code (130, 143) says first that the run is not whole; then a report that could not be written
// wins over the verdicts: CI would read a missing or stale file instead.
// With a baseline, only cases failing now that did not fail in it count (`known`: ids failing in it).
int exit_code_of(const run_result& r, bool reports_written,
                 const std::set<std::string, std::less<>>* known = nullptr) {
  if (int code = interrupt_exit_code()) return code;
  if (!reports_written) return report_failed;
  std::size_t failed = 0, errored = 0;
  for (const case_result& c : r.cases) {
    if (known != nullptr && known->count(c.fixture_id) != 0) continue;
    failed += c.outcome == verdict::failed;
    errored += c.outcome == verdict::error;
  }
  if (errored > 0) return errors;
  if (failed > 0) return failures;
  return ok;
}

// What --baseline made of the run: new failures (which decide the exit code), known ones, fixed ones.
void print_baseline(const std::string& path, const report::report_diff& d, std::ostream& out) {
  auto list = [&](const char* title, const std::vector<report::case_change>& cases) {
    if (cases.empty()) return;
    out << title << " (" << cases.size() << "):\n";
    for (const auto& c : cases) out << "  " << report::xml_clean(c.id) << "  " << c.new_outcome << '\n';
  };
  out << "Baseline " << path << ": " << d.new_failures.size() << " new failures, " << d.still_failing.size()
      << " known (failing in the baseline too), " << d.fixed.size() << " fixed\n";
  list("New failures", d.new_failures);
  list("Known failures", d.still_failing);
  out << std::flush;
}

// --plan: what the run would do, and nothing sent. With --json the plan is written there as JSON.
int print_plan(const fixture_set& set, const run::run_plan& p, const std::string& json) {
  std::cout << run::plan_text(set, p) << std::flush;
  if (json.empty()) return ok;
  std::error_code ec;
  report::write_file_atomic(json, run::plan_json(set, p), ec);
  if (!ec) return ok;
  std::cerr << "conform: cannot write the plan to " << json << ": " << ec.message() << '\n';
  return report_failed;
}

bool loopback_target(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") == std::string_view::npos ? 0 : url.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (rest.starts_with("[::1]")) return true;
  rest = rest.substr(0, rest.find(':'));
  return rest.starts_with("127.") || iequals(rest, "localhost") || iequals(rest, "::1");
}

// Before writes reach a server that is not on this machine (production, a shared tenant): how many, by
// method.
void warn_about_writes(const fixture_set& set, const run::options& o, const run::run_plan& plan) {
  if (o.target.empty() || loopback_target(o.target)) return;
  const auto writes = run::plan_writes(set, plan);
  if (writes.empty()) return;
  std::string list;
  std::size_t total = 0;
  for (const auto& [method, n] : writes) {
    list += (list.empty() ? "" : ", ") + std::to_string(n) + " " + method;
    total += n;
  }
  std::cerr << "conform: this run sends " << total << " write request" << (total == 1 ? "" : "s") << " ("
            << list << ") to " << o.target
            << (o.keep_created ? "" : ", then deletes what it created and did not delete")
            << "; --read-only sends only GET and HEAD, --plan shows the plan without sending anything\n";
}

int run_command(const run_cmd_options& cli) {
  // From the start: a signal while pages are read still leaves reports (of nothing run) in place of old ones.
  catch_interrupts();
  run::suite s;
  if (!cli.suite_file.empty()) {
    try {
      s = run::load_suite(cli.suite_file);
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
  }
  std::vector<std::string> paths;
  report_paths reports;
  run::options o = merge(cli, s, paths, reports.junit, reports.json);
  reports.surefire_dir = cli.junit_surefire;
  reports.html = cli.html;
  check_report_paths(reports);
  // Read before anything is sent: a baseline that cannot be read is a configuration error.
  std::vector<report::reported_case> baseline;
  if (!cli.baseline.empty()) {
    try {
      baseline = read_report_cases(cli.baseline);
    } catch (const std::invalid_argument& e) {
      throw usage_error(std::string("--baseline ") + e.what());
    }
  }
  validate_limits(o);
  fit_concurrency_to_open_files(o, o.target.empty());
  if (paths.empty())
    throw usage_error("no documentation PATH given (on the command line or as suite \"paths\")");
  o.stop_reason = interrupt_name;
  // --fail-fast / --max-failures N: the progress callback counts failed and errored cases; run's stop hook
  // then sends nothing new, and the rest are skipped "not run: interrupted by --max-failures N reached".
  const std::size_t max_failures = cli.fail_fast ? 1 : cli.max_failures;
  auto failing = std::make_shared<std::atomic<std::size_t>>(0);
  if (max_failures > 0) {
    auto why = std::make_shared<const std::string>(
        (cli.fail_fast ? std::string("--fail-fast") : "--max-failures " + std::to_string(max_failures)) +
        " reached");
    o.stop_reason = [failing, max_failures, why]() -> std::string_view {
      if (std::string_view signal = interrupt_name(); !signal.empty()) return signal;
      return failing->load() >= max_failures ? std::string_view(*why) : std::string_view();
    };
  }
  o.keep_exchanges = cli.verbose;  // -v shows request and response of every case

  fixture_set set;
  std::vector<std::string> missing;
  extract::options eo;
  eo.default_version = o.default_version;
  extract::extract_paths(paths, set, missing, eo);
  if (!missing.empty()) throw usage_error("no such file or directory: " + missing.front());
  if (std::size_t unread = report_unread_pages(set, std::cerr))
    throw usage_error(std::to_string(unread) + " page(s) could not be read (above); nothing was sent");
  if (set.fixtures.empty())
    throw usage_error("no request/response examples found in " + std::to_string(set.files_read) +
                      " file(s) (directories are searched for *.md)");
  // Green without testing: filters (or a shard) that keep nothing would pass having checked nothing.
  // The plan is made once here, for this check, --plan and the write warning (the run makes its own).
  const run::run_plan plan = run::plan_run(set, o);
  if (plan.chosen.empty())
    throw usage_error("no fixture selected: --filter/--exclude" +
                      std::string(o.shard_count > 1 ? "/--shard" : "") + " kept none of the " +
                      std::to_string(set.fixtures.size()) + " fixture(s) found, so nothing would be tested");
  // --plan sends nothing: not even a token request or a $metadata fetch (the plan needs neither).
  if (cli.plan) return print_plan(set, plan, reports.json);
  start_oauth2(cli, s, o);
  if (!o.metadata.empty()) {
    metadata_fetch fetch{o.cacert, o.insecure, o.headers, o.bearer_token};
    fetch.proxy = {o.http_proxy, o.https_proxy, o.no_proxy};
    if (o.oauth2) fetch.authorization = o.oauth2->authorization();
    o.metadata = load_metadata(set, o.metadata, fetch, std::cerr, set.diagnostics);
  }
  if (cli.verbose)
    for (const auto& d : set.diagnostics)
      std::cerr << d.file << ':' << d.line << ": " << to_string(d.level) << ": " << d.code << ": "
                << d.message << '\n';

  if (o.insecure)
    std::cerr << "conform: WARNING: --insecure: TLS certificates and host names are NOT verified; "
                 "anyone on the path can answer for the server\n";

  warn_about_writes(set, o, plan);

  // Colour only where people read it: a terminal, unless NO_COLOR (no-color.org) or TERM=dumb says no.
  const bool terminal = isatty(fileno(stdout)) != 0;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  report::console_style style;
  style.colour = cli.color == "always" ||
                 (cli.color == "auto" && terminal && (no_color == nullptr || *no_color == '\0') &&
                  (term == nullptr || std::string_view(term) != "dumb"));
  style.elapsed = [start = std::chrono::steady_clock::now()] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  report::console_reporter console(std::cout, terminal, cli.verbose, std::move(style));
  run_result r;
  try {
    // No target: the reference server built from the same fixtures answers, in this process.
    std::unique_ptr<embedded_server> embedded;
    if (o.target.empty()) {
      // Said first, so a green run is not read as a server's: the reference server answers what the docs say.
      std::cout
          << "conform: no --target: replaying against the embedded reference server built from these docs "
             "(this checks the docs and conform, not your server)\n"
          << std::flush;
      embedded = std::make_unique<embedded_server>(set, mock::options{});
      o.target = embedded->base_url();
      o.no_proxy += (o.no_proxy.empty() ? "" : ",") + std::string("127.0.0.1");  // in this process
      o.target_name = "embedded reference server";
    }
    r = run::run_fixtures(set, o, [&](const case_result& c, std::size_t done, std::size_t total) {
      *failing += c.outcome == verdict::failed || c.outcome == verdict::error;
      console.on_case(c, done, total);
    });
    if (max_failures > 0) r.properties.emplace_back("max-failures", std::to_string(max_failures));
  } catch (const std::runtime_error& e) {
    throw usage_error(e.what());  // unreadable cacert, embedded server that cannot bind
  }
  if (o.oauth2) {
    r.properties.emplace_back("oauth2", o.oauth2->summary());
    for (const std::string& p : o.oauth2->problems()) r.warnings.push_back(p);
  }
  if (!o.https_proxy.empty() || !o.http_proxy.empty())
    r.properties.emplace_back("proxy", "https: " + transport::proxy_display(o.https_proxy) +
                                           "; http: " + transport::proxy_display(o.http_proxy) +
                                           (o.no_proxy.empty() ? "" : "; no_proxy: " + o.no_proxy));
  console.finish(r);
  for (const std::string& w : r.warnings) std::cerr << "conform: " << w << '\n';
  if (cli.baseline.empty()) return exit_code_of(r, write_reports(r, reports));
  report::report_diff d = report::diff_reports(baseline, report::reported_cases(r));
  std::set<std::string, std::less<>> known;
  for (const auto& c : d.still_failing) known.insert(c.id);
  r.properties.emplace_back("baseline", cli.baseline + ": " + std::to_string(d.new_failures.size()) +
                                            " new failures, " + std::to_string(known.size()) + " known, " +
                                            std::to_string(d.fixed.size()) + " fixed");
  print_baseline(cli.baseline, d, std::cout);
  return exit_code_of(r, write_reports(r, reports), &known);
}

}  // namespace

void setup_run(CLI::App& app, int& exit_status) {
  auto opts = std::make_shared<run_cmd_options>();
  auto* sub = app.add_subcommand("run", "Replay documented examples against a server and check the answers");
  sub->add_option("paths", opts->paths, "Doc pages (any extension) or directories (walked for *.md)");
  sub->add_option("--suite", opts->suite_file, "Suite file (JSON with comments): the same settings as flags")
      ->check(CLI::ExistingFile);
  opts->target_opt =
      sub->add_option("--target", opts->target,
                      "Base URL replacing https://graph.microsoft.com (default: embedded reference server)");
  sub->add_option("--var", opts->vars, "Bind a placeholder: NAME=VALUE (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--header", opts->headers, "Add or override a header: 'Name: value' (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--secret-header", opts->secret_headers,
                  "Header NAME whose value is redacted in every output")
      ->allow_extra_args(false);
  opts->bearer_opt =
      sub->add_option("--bearer-env", opts->bearer_env, "Environment variable holding a bearer token");
  opts->junit_opt = sub->add_option("--junit", opts->junit, "Write a JUnit XML report (<testsuites>) here");
  sub->add_option("--junit-surefire", opts->junit_surefire,
                  "Write one Surefire TEST-<page>.xml per page into DIR");
  opts->json_opt = sub->add_option("--json", opts->json, "Write a JSON report here");
  sub->add_option("--html", opts->html, "Write a self-contained HTML report here");
  sub->add_option(
      "--baseline", opts->baseline,
      "An earlier run's JSON report: exit 1 (2) only for cases failing (erroring) that did not fail in it");
  opts->concurrency_opt = sub->add_option("--concurrency", opts->concurrency,
                                          with_range("Requests in flight", run::concurrency_range));
  sub->add_option("--shard", opts->shard,
                  "Run shard K of N: the fixtures whose id hashes to K (for N parallel CI jobs)");
  sub->add_option("--filter", opts->include, "Only fixture ids matching GLOB (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--exclude", opts->exclude, "Skip fixture ids matching GLOB (repeatable)")
      ->allow_extra_args(false);
  opts->timeout_opt = sub->add_option("--timeout", opts->timeout_ms,
                                      with_range("Per-exchange timeout, ms", run::timeout_range));
  opts->connect_timeout_opt = sub->add_option("--connect-timeout", opts->connect_timeout_ms,
                                              with_range("Connect timeout, ms", run::connect_timeout_range));
  opts->max_body_opt = sub->add_option("--max-body", opts->max_body, "Response body limit, bytes");
  opts->retries_opt =
      sub->add_option("--retries", opts->retries,
                      with_range("Retries on connection faults and 429/502/503/504", run::retries_range));
  opts->rerun_opt =
      sub->add_option("--rerun-failures", opts->rerun_failures,
                      with_range("Run a failed or errored case again up to N times; a pass then is flaky",
                                 run::rerun_failures_range));
  sub->add_option("--max-failures", opts->max_failures,
                  "Stop sending after N failed or errored cases; the rest are skipped (1-1000000)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  sub->add_flag("--fail-fast", opts->fail_fast, "Stop sending after the first failed or errored case");
  sub->add_flag("--retry-unsafe", opts->retry_unsafe,
                "Also resend POST/PATCH/PUT/DELETE/... the server may have received (may apply them twice)");
  opts->rate_opt = sub->add_option("--rate", opts->rate, "Requests per second across the run (0 = unlimited)")
                       ->check(CLI::Range(0.0, 1000000.0));
  opts->cacert_opt = sub->add_option("--cacert", opts->cacert, "Extra CA certificates (PEM file)");
  sub->add_flag("--insecure", opts->insecure, "Do not verify TLS certificates (loudly reported)");
  sub->add_option("--oauth2-token-url", opts->oauth2_token_url,
                  "OAuth2 client credentials: token endpoint (token fetched at start, renewed, redacted)");
  sub->add_option("--client-id", opts->client_id, "OAuth2 client id");
  sub->add_option("--client-secret-env", opts->client_secret_env,
                  "Environment variable holding the OAuth2 client secret");
  sub->add_option("--scope", opts->scope, "OAuth2 scope (e.g. https://graph.microsoft.com/.default)");
  sub->add_option(
      "--proxy", opts->proxy,
      "HTTP proxy http://[user:pass@]host[:port] (default: HTTPS_PROXY/HTTP_PROXY; NO_PROXY applies)");
  opts->odata_opt = sub->add_option("--odata-type", opts->odata_type,
                                    "@odata.type check: odata (OData's rule, default)|required|if-present")
                        ->check(CLI::IsMember({"odata", "required", "if-present"}));
  sub->add_option("--metadata", opts->metadata,
                  "CSDL $metadata as a second contract: [VERSION=]PATH_OR_URL (repeatable)")
      ->allow_extra_args(false);
  sub->add_flag("--strict-enums", opts->strict_enums, "Compare enum members case-sensitively");
  sub->add_flag("--strict-properties", opts->strict_properties, "Undocumented properties fail");
  sub->add_flag("--fill-placeholders", opts->fill, "Generate values for unbound placeholders");
  sub->add_flag("--plan", opts->plan,
                "Print the run plan (order, where each id comes from, what is skipped) and send nothing; "
                "with --json FILE, write it there as JSON");
  sub->add_flag("--read-only", opts->read_only, "Send only GET and HEAD; skip the rest with that reason");
  sub->add_option("--methods", opts->methods, "Send only these methods: GET,POST,... (the rest are skipped)")
      ->allow_extra_args(false);
  sub->add_flag("--keep-created", opts->keep_created,
                "Keep the resources the run created and did not delete (default: deleted at the end)");
  sub->add_option("--default-version", opts->default_version,
                  "API version of relative documented URLs on pages whose folder and absolute URLs name none "
                  "(default v1.0)")
      ->check(version_check());
  sub->add_option("--color", opts->color, "Coloured outcomes: auto (a terminal, no NO_COLOR)|always|never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sub->add_flag("-v,--verbose", opts->verbose,
                "Every case with its request and response (redacted), check notes and doc diagnostics");
  sub->callback([opts, &exit_status] { exit_status = run_command(*opts); });
}

}  // namespace conform::cli
