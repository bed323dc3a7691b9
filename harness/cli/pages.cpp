// Pages that could not be read, said on stderr by every command that reads pages.
#include "commands.hpp"
#include "run/run.hpp"

namespace conform::cli {

bool is_unread_page(const diagnostic& d) {
  return d.code == "unreadable-file" || d.code == "file-too-large";
}

std::size_t report_unread_pages(const fixture_set& set, std::ostream& err) {
  std::size_t n = 0;
  for (const auto& d : set.diagnostics)
    if (is_unread_page(d)) {
      err << d.file << ": " << to_string(d.level) << ": " << d.code << ": " << d.message << '\n';
      ++n;
    }
  return n;
}

CLI::Validator version_check() {
  return CLI::Validator(
      [](std::string& v) {
        return run::valid_version(v) ? std::string()
                                     : "an API version such as v1.0 or beta is expected, got \"" + v + "\"";
      },
      "VERSION");
}

}  // namespace conform::cli
