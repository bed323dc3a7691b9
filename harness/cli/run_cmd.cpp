// conform run [PATH...] [--suite FILE] [--target URL] ...: replay documented examples, check, report.
// Settings come from the suite file, then the environment (CONFORM_VAR_*), then flags: the later one wins.
#include "commands.hpp"
#include "embedded_server.hpp"
#include "extract/extract.hpp"
#include "report/report.hpp"
#include "run/run.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

extern char** environ;

namespace conform::cli {
namespace {

struct run_cmd_options {
  std::vector<std::string> paths;
  std::string suite_file;
  std::string target;
  std::vector<std::string> vars, headers, secret_headers, include, exclude;
  std::string bearer_env;
  std::string junit, junit_surefire, json;
  std::size_t concurrency = 8;
  long long timeout_ms = 30000, connect_timeout_ms = 10000;
  std::size_t max_body = 16 * 1024 * 1024;
  int retries = 0;
  std::string cacert;
  std::string odata_type = "required";
  bool insecure = false, strict_enums = false, strict_properties = false, fill = false, verbose = false;
  // Which flags were given, so a suite's value survives an absent flag.
  CLI::Option *target_opt = nullptr, *bearer_opt = nullptr, *concurrency_opt = nullptr,
              *timeout_opt = nullptr, *connect_timeout_opt = nullptr, *max_body_opt = nullptr,
              *retries_opt = nullptr, *cacert_opt = nullptr, *odata_opt = nullptr, *junit_opt = nullptr,
              *json_opt = nullptr;
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
  }

  o.concurrency = cli.concurrency_opt->count() ? cli.concurrency : s.concurrency.value_or(cli.concurrency);
  o.timeout = std::chrono::milliseconds(cli.timeout_opt->count() ? cli.timeout_ms
                                                                 : s.timeout_ms.value_or(cli.timeout_ms));
  o.connect_timeout = std::chrono::milliseconds(cli.connect_timeout_opt->count()
                                                    ? cli.connect_timeout_ms
                                                    : s.connect_timeout_ms.value_or(cli.connect_timeout_ms));
  o.max_body = cli.max_body_opt->count() ? cli.max_body : s.max_body.value_or(cli.max_body);
  o.retries = cli.retries_opt->count() ? cli.retries : s.retries.value_or(cli.retries);
  o.cacert = cli.cacert_opt->count() ? cli.cacert : s.cacert.value_or("");
  if (!o.cacert.empty() && !std::filesystem::is_regular_file(o.cacert))
    throw usage_error("--cacert: no such file: " + o.cacert);
  o.insecure = cli.insecure || s.insecure.value_or(false);
  o.strict_enums = cli.strict_enums || s.strict_enums.value_or(false);
  o.strict_properties = cli.strict_properties || s.strict_properties.value_or(false);
  o.fill_placeholders = cli.fill || s.fill_placeholders.value_or(false);
  o.odata_type = cli.odata_opt->count() ? *run::parse_odata_type_mode(cli.odata_type)
                                        : s.odata_type.value_or(check::odata_type_mode::required);
  o.include = !cli.include.empty() ? cli.include : s.include;
  o.exclude = !cli.exclude.empty() ? cli.exclude : s.exclude;
  o.overrides = s.overrides;
  junit = cli.junit_opt->count() ? cli.junit : s.junit.value_or("");
  json = cli.json_opt->count() ? cli.json : s.json.value_or("");
  return o;
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

void write_report(const std::string& path, std::string_view content) {
  std::error_code ec;
  report::write_file_atomic(path, content, ec);
  if (ec) throw usage_error("cannot write " + path + ": " + ec.message());
}

// A page name made safe as a file name: Surefire readers expect TEST-<name>.xml.
std::string file_safe(std::string_view s) {
  std::string out;
  for (char c : s)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out.empty() ? "unnamed" : out;
}

int run_command(const run_cmd_options& cli) {
  run::suite s;
  if (!cli.suite_file.empty()) {
    try {
      s = run::load_suite(cli.suite_file);
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
  }
  std::vector<std::string> paths;
  std::string junit, json;
  run::options o = merge(cli, s, paths, junit, json);
  validate_limits(o);
  if (paths.empty())
    throw usage_error("no documentation PATH given (on the command line or as suite \"paths\")");

  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths(paths, set, missing);
  if (!missing.empty()) throw usage_error("no such file or directory: " + missing.front());
  if (std::size_t unread = report_unread_pages(set, std::cerr))
    throw usage_error(std::to_string(unread) + " page(s) could not be read (above); nothing was sent");
  if (set.fixtures.empty())
    throw usage_error("no request/response examples found in " + std::to_string(set.files_read) +
                      " file(s) (directories are searched for *.md)");
  if (cli.verbose)
    for (const auto& d : set.diagnostics)
      std::cerr << d.file << ':' << d.line << ": " << to_string(d.level) << ": " << d.code << ": "
                << d.message << '\n';

  if (o.insecure)
    std::cerr << "conform: WARNING: --insecure: TLS certificates and host names are NOT verified; "
                 "anyone on the path can answer for the server\n";

  report::console_reporter console(std::cout, isatty(fileno(stdout)) != 0, cli.verbose);
  run_result r;
  try {
    // No target: the reference server built from the same fixtures answers, in this process.
    std::unique_ptr<embedded_server> embedded;
    if (o.target.empty()) {
      embedded = std::make_unique<embedded_server>(set, mock::options{});
      o.target = embedded->base_url();
      o.target_name = "embedded reference server";
    }
    r = run::run_fixtures(set, o, [&](const case_result& c, std::size_t done, std::size_t total) {
      console.on_case(c, done, total);
    });
  } catch (const std::runtime_error& e) {
    throw usage_error(e.what());  // unreadable cacert, embedded server that cannot bind
  }
  console.finish(r);

  if (!junit.empty()) write_report(junit, report::junit_xml(r));
  if (!cli.junit_surefire.empty())
    for (const auto& [page, xml] : report::junit_surefire_suites(r))
      write_report(
          (std::filesystem::path(cli.junit_surefire) / ("TEST-" + file_safe(page) + ".xml")).string(), xml);
  if (!json.empty()) write_report(json, report::json_report(r));

  run_summary sum = r.summary();
  if (sum.errors > 0) return errors;
  if (sum.failed > 0) return failures;
  return ok;
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
  opts->concurrency_opt = sub->add_option("--concurrency", opts->concurrency,
                                          with_range("Requests in flight", run::concurrency_range));
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
                      with_range("Retries on connection faults and 502/503/504", run::retries_range));
  opts->cacert_opt = sub->add_option("--cacert", opts->cacert, "Extra CA certificates (PEM file)");
  sub->add_flag("--insecure", opts->insecure, "Do not verify TLS certificates (loudly reported)");
  opts->odata_opt =
      sub->add_option("--odata-type", opts->odata_type, "@odata.type check: required|if-present")
          ->check(CLI::IsMember({"required", "if-present"}));
  sub->add_flag("--strict-enums", opts->strict_enums, "Compare enum members case-sensitively");
  sub->add_flag("--strict-properties", opts->strict_properties, "Undocumented properties fail");
  sub->add_flag("--fill-placeholders", opts->fill, "Generate values for unbound placeholders");
  sub->add_flag("-v,--verbose", opts->verbose, "Every case, check notes and doc diagnostics");
  sub->callback([opts, &exit_status] { exit_status = run_command(*opts); });
}

}  // namespace conform::cli
