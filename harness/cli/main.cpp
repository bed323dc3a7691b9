#include "commands.hpp"
#include "model/fixture.hpp"

#include <sys/resource.h>

#include <exception>
#include <iostream>

namespace conform::cli {
std::string conform_version() {
  return std::string(conform::version());
}

// Every connection in flight is a file descriptor (two with the embedded reference server, which serves the
// other end in this process), and the soft limit is often 1024 where the hard limit allows far more. Raised
// once for every subcommand; `run` then fits its concurrency under what it got.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);  // best effort: run_cmd checks what the limit is
}
}  // namespace conform::cli

int main(int argc, char** argv) {
  using namespace conform::cli;
  raise_open_file_limit();
  CLI::App app{"conform: replays documented API examples against a server and checks the responses"};
  app.require_subcommand(1);
  app.set_version_flag("--version", conform_version());
  int status = 0;
  setup_extract(app, status);
  setup_lint(app, status);
  setup_run(app, status);
  setup_serve(app, status);
  setup_diff(app, status);
  setup_merge(app, status);

  // run/serve/merge report usage trouble as 3 (1 and 2 mean failures and errors there); extract/lint/diff
  // as 2.
  auto usage_code = [&] {
    for (const char* name : {"run", "serve", "merge"})
      if (app.got_subcommand(name)) return int{usage_run};
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "run" || a == "serve" || a == "merge") return int{usage_run};
      if (!a.empty() && a[0] != '-') break;
    }
    return int{usage_extract};
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError&) {
    // The stray arguments may be header values or tokens: name only the flags among them.
    std::string flags;
    for (const auto& a : app.remaining(true))
      if (a.starts_with("-")) flags += " " + a.substr(0, a.find('='));
    std::cerr << "conform: unexpected arguments" << (flags.empty() ? std::string() : ":" + flags)
              << " (values not shown; see conform --help)\n";
    return usage_code();
  } catch (const CLI::ParseError& e) {
    std::cerr << "conform: " << e.what() << " (see conform --help)\n";
    return usage_code();
  } catch (const usage_error& e) {
    std::cerr << "conform: " << e.what() << "\n";
    return usage_code();
  } catch (const std::exception& e) {
    std::cerr << "conform: internal error: " << e.what() << "\n";
    return usage_code();
  }
  return status;
}
