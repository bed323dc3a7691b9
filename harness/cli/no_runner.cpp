// Temporary while the runner lands: registers no run/serve subcommands.
#include "cli/commands.hpp"

namespace conform::cli {
void setup_run(CLI::App&, int&) {}
void setup_serve(CLI::App&, int&) {}
}  // namespace conform::cli
