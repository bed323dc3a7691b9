// conform serve [PATH...] [--suite FILE] [--port N] [--host H] [--fault KIND[@GLOB]]...: the reference server
// over documented examples, for trying a client or the runner against something that answers as documented.
#include "commands.hpp"
#include "example_lint.hpp"
#include "extract/extract.hpp"
#include "metadata.hpp"
#include "mock/reference_server.hpp"
#include "run/run.hpp"
#include "serve_log.hpp"
#include "transport/server.hpp"

#include <unistd.h>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>

namespace conform::cli {
namespace {

struct serve_cmd_options {
  std::vector<std::string> paths;
  std::string suite_file;
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::vector<std::string> faults;
  long long fault_delay_ms = 2000;
  std::uint64_t seed = 1;
  int threads = 1;
  bool quiet = false;
  bool verbatim = false;
  bool stateful = false;
  std::size_t max_entities = 100'000;
  std::string default_version;  // "" = the suite's, else v1.0
  std::vector<std::string> metadata;
};

// Every change the server will make to a documented response, said once at start as the lint diagnostic of
// the contradiction it repairs (the server repairs nothing silently). Returns how many.
std::size_t say_repairs(const fixture_set& set, std::ostream& err) {
  std::vector<diagnostic> said;
  std::map<std::string, std::string, std::less<>> pages;
  std::string_view last_file;
  for (const fixture& f : set.fixtures) {
    if (!f.runnable) continue;
    if (f.file != last_file) pages.clear();
    last_file = f.file;
    std::vector<example_finding> findings;
    for (mock::repair& r : mock::documented_repairs(f, set)) {
      const severity level = r.code == "example-placeholder-value" ? severity::note : severity::warning;
      findings.push_back(
          {std::move(r.code), level, std::move(r.pointer), "served repaired: " + r.message, false});
    }
    place_findings(f, findings, pages, said);
  }
  std::string out;
  for (const diagnostic& d : said)
    out += d.file + ":" + std::to_string(d.line) + ": " + std::string(to_string(d.level)) + ": " + d.code +
           ": " + d.message + "\n";
  if (!said.empty())
    out += "conform serve: " + std::to_string(said.size()) +
           " repair(s) of documented responses (above); --verbatim serves them as written\n";
  out +=
      "conform serve: answers to successful POST, PATCH and PUT requests carry the fields the client sent "
      "(not with --verbatim)\n";
  err << out << std::flush;
  return said.size();
}

int serve_command(const serve_cmd_options& cli) {
  std::vector<std::string> paths = cli.paths;
  std::vector<std::string> metadata;
  extract::options eo;
  if (!cli.suite_file.empty()) {
    try {
      run::suite s = run::load_suite(cli.suite_file);
      if (paths.empty()) paths = s.paths;
      metadata = s.metadata;
      eo.default_version = s.default_version.value_or(eo.default_version);
    } catch (const std::invalid_argument& e) {
      throw usage_error(e.what());
    }
  }
  metadata.insert(metadata.end(), cli.metadata.begin(), cli.metadata.end());
  if (paths.empty())
    throw usage_error("no documentation PATH given (on the command line or as suite \"paths\")");

  mock::options mo;
  for (const std::string& spec : cli.faults) {
    std::optional<mock::fault> f = mock::parse_fault(spec);
    if (!f) throw usage_error("--fault: unknown kind in \"" + spec + "\"");
    mo.faults.push_back(*f);
  }
  mo.fault_delay = std::chrono::milliseconds(cli.fault_delay_ms);
  mo.seed = cli.seed;
  mo.verbatim = cli.verbatim;
  mo.stateful = cli.stateful;
  mo.max_entities = cli.max_entities;

  fixture_set set;
  std::vector<std::string> missing;
  if (!cli.default_version.empty()) eo.default_version = cli.default_version;
  extract::extract_paths(paths, set, missing, eo);
  if (!missing.empty()) throw usage_error("no such file or directory: " + missing.front());
  // Answers take CSDL-true values where the docs are vague (a property typed only by its example).
  if (!metadata.empty()) {
    std::vector<diagnostic> disagreements;
    load_metadata(set, metadata, metadata_fetch{}, std::cerr, disagreements);
  }
  std::size_t runnable = 0;
  for (const fixture& f : set.fixtures) runnable += f.runnable;
  if (!cli.verbatim) say_repairs(set, std::cerr);
  mock::reference_server reference(set, mo);
  if (runnable == 0 || reference.route_count() == 0)
    throw usage_error("nothing to serve: no runnable request/response examples in " +
                      std::to_string(set.files_read) + " file(s) (directories are searched for *.md)");

  transport::server_options so;
  so.host = cli.host;
  so.port = cli.port;
  so.threads = cli.threads;
  // Created before the server and destroyed after it, so no handler outlives it.
  std::unique_ptr<serve_log> log;
  transport::http_server server(so, [&](const http_request& req) {
    auto start = std::chrono::steady_clock::now();
    mock::reply r = reference.handle(req);
    if (log) {
      auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
      log->push(req.method + ' ' + req.target + ' ' +
                (r.reset ? std::string("reset") : std::to_string(r.response.status)) + ' ' +
                (r.fixture_id.empty() ? "-" : r.fixture_id) + ' ' + std::to_string(us.count()) + "us");
    }
    return transport::server_reply{std::move(r.response), r.reset, r.delay};
  });
  std::error_code ec;
  server.start(ec);
  if (ec)
    throw usage_error("cannot listen on " + cli.host + ":" + std::to_string(cli.port) + ": " + ec.message());
  std::string shown_host = cli.host.find(':') != std::string::npos ? "[" + cli.host + "]" : cli.host;
  // Scripts and tests read the port from this first line when --port 0; exchange lines follow it.
  std::cout << "conform serve: listening on http://" << shown_host << ':' << server.port() << std::endl;
  if (!cli.quiet) {
    std::cerr << "conform serve: " << runnable << " runnable fixtures, " << reference.route_count()
              << " routes"
              << (cli.stateful ? ", stateful (at most " + std::to_string(cli.max_entities) + " entities)"
                               : "")
              << "; Ctrl-C stops\n";
    log = std::make_unique<serve_log>(STDOUT_FILENO);
  }
  server.run_until_signal();  // stops the server: no handler runs after it
  if (log) {
    std::size_t dropped = log->stop();
    if (dropped > 0)
      std::cerr << "conform serve: " << dropped << " exchange line(s) not written: stdout was not read\n";
  }
  return ok;
}

}  // namespace

void setup_serve(CLI::App& app, int& exit_status) {
  auto opts = std::make_shared<serve_cmd_options>();
  auto* sub = app.add_subcommand("serve", "Serve documented examples as a reference server");
  sub->add_option("paths", opts->paths, "Doc pages (any extension) or directories (walked for *.md)");
  sub->add_option("--suite", opts->suite_file, "Suite file: its \"paths\" are served when no PATH is given")
      ->check(CLI::ExistingFile);
  sub->add_option("--port", opts->port, "Port (0 = any free port, printed on the first line)");
  sub->add_option("--host", opts->host, "Address to listen on");
  sub->add_option("--fault", opts->faults, "Break answers on purpose: KIND[@GLOB] (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--fault-delay", opts->fault_delay_ms, "Delay of the 'slow' fault, ms")
      ->check(CLI::Range(0LL, 3600000LL));
  sub->add_option("--seed", opts->seed, "Which property a fault bends (reruns are identical)");
  // One thread by default: on one core a second thread only adds strand and lock traffic (bench-serve:
  // 1 thread answers more requests per CPU-second than 2); more threads help only with spare cores.
  sub->add_option("--threads", opts->threads, "Event-loop threads (default 1)")->check(CLI::Range(1, 256));
  sub->add_flag("-q,--quiet", opts->quiet, "No line per exchange");
  sub->add_flag(
      "--verbatim", opts->verbatim,
      "Serve documented responses exactly as written: no placeholder filled, no value repaired, nothing "
      "added or echoed (without it, each repair is said on stderr at start)");
  sub->add_option("--metadata", opts->metadata,
                  "CSDL $metadata typing the answers: [VERSION=]PATH_OR_URL (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--default-version", opts->default_version,
                  "API version of relative documented URLs on pages whose folder and absolute URLs name none "
                  "(default v1.0)")
      ->check(version_check());
  sub->add_flag("--stateful", opts->stateful,
                "Keep what documented creates make: POST stores it under a new id, GET returns it, PATCH "
                "merges, DELETE removes; ids never created are 404");
  sub->add_option("--max-entities", opts->max_entities,
                  "--stateful: entities held at most; creates beyond are 507 (default 100000)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  sub->callback([opts, &exit_status] { exit_status = serve_command(*opts); });
}

}  // namespace conform::cli
