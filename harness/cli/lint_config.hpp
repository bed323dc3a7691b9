// conform::cli lint settings from files: a `.conform-lint.json` in the docs folder or above it, and the
// "lint" object of a suite; flags override both.
//   input : docs/.conform-lint.json {"ignore": ["example-placeholder-value"], "baseline":
//   "lint-baseline.json"} output: lint_settings{selection.ignore={"example-placeholder-value"},
//   baseline="docs/lint-baseline.json"}
#pragma once

#include "lint_format.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conform::cli {

inline constexpr std::string_view lint_config_name = ".conform-lint.json";

// The keys of a lint configuration, the same as lint's flags. Paths (baseline) are resolved against the
// directory of the file that names them.
struct lint_settings {
  lint_selection selection;
  std::optional<std::string> baseline;
  std::optional<std::string> format;  // "text", "json" or "sarif"
};

// {"ignore": CODE or [CODE...], "error": ..., "warning": ..., "baseline": PATH, "format": "text|json|sarif"};
// JSON with comments and trailing commas. usage_error naming `name` for anything else (an unknown key, a
// wrong type): a misspelt "ingore" silently doing nothing would make a docs team trust a check it turned off.
lint_settings parse_lint_settings(std::string_view text, const std::filesystem::path& base_dir,
                                  std::string_view name);

// The nearest `.conform-lint.json` at or above the folder of `path` (a directory, or a page's folder);
// nullopt when there is none up to the root.
std::optional<std::filesystem::path> find_lint_config(const std::filesystem::path& path);

// A `.conform-lint.json` file read whole; usage_error naming it when it cannot be read or parsed.
lint_settings read_lint_config(const std::filesystem::path& file);

// What lint takes from a suite file: its "lint" object (the keys above), and its "paths" and "metadata"
// (paths relative to the suite), which lint uses when the command line names none. The suite's other settings
// are run's and are not looked at here.
struct lint_suite {
  lint_settings settings;
  std::vector<std::string> paths;
  std::vector<std::string> metadata;
};
lint_suite read_lint_suite(const std::filesystem::path& file);

// Later layers win: for each code the last layer that names it decides (ignore, error or warning), and a
// baseline or format given later replaces an earlier one.
void overlay(lint_settings& into, const lint_settings& later);

}  // namespace conform::cli
