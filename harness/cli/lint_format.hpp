// conform::cli lint output — diagnostics as text, JSON or SARIF 2.1.0; severity overrides and a baseline.
//   input : [diagnostic{"a.md", 12, warning, "example-enum", "..."}], --error example-enum, --format sarif
//   output: {"version": "2.1.0", "runs": [{"results": [{"ruleId": "example-enum", "level": "error", ...}]}]}
#pragma once

#include "model/fixture.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace conform::cli {

// --ignore, --error, --warning: codes dropped, or given that severity.
struct lint_selection {
  std::vector<std::string> ignore, error, warning;
};
// Applies the selection in place (ignored codes removed; --error wins over --warning when a code is in both).
void select_diagnostics(std::vector<diagnostic>& ds, const lint_selection& sel);

// A previous `lint --format json` output. A diagnostic is old when the baseline holds one of the same file,
// code and message (the line may have moved, and so may line numbers inside the message: "(contract:
// call.md:45)" matches "(contract: call.md:48)"); each baseline entry answers for one diagnostic.
struct lint_baseline {
  std::vector<diagnostic> entries;
};
// Throws usage_error when the file cannot be read or is not a lint JSON document.
lint_baseline read_baseline(const std::string& path);
// One flag per diagnostic: true when it is in the baseline.
std::vector<bool> match_baseline(const std::vector<diagnostic>& ds, const lint_baseline& baseline);

// file:line: severity: code: message, one diagnostic a line, sorted input kept in order; a cause repeated on
// a page (the same code, severity and message but for JSON pointer indexes and line numbers in it: one wrong
// enum value in 40 examples) is printed once, at its first line, and followed by
// "    ...and 39 more like this on lines 80, 95, ..." when it occurs three times or more.
std::string to_lint_text(const std::vector<diagnostic>& ds);

// {"diagnostics": [{"file","line","column","severity","code","message"}]}, one diagnostic a line.
std::string to_lint_json(const std::vector<diagnostic>& ds);
// A SARIF 2.1.0 log with one run: a rule per code, a result per diagnostic (level error/warning/note, the
// file's path as a relative URI, the line as its region), baselineState "new"/"unchanged" when a baseline was
// given (`in_baseline` empty: none).
std::string to_sarif(const std::vector<diagnostic>& ds, const std::vector<bool>& in_baseline);

}  // namespace conform::cli
