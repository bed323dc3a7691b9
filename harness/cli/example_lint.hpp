// conform::cli example lint — documented examples held to their own contract (issue 12): each contradiction a
// diagnostic at the line of the offending value.
//   input : a fixture whose response example says "status": "String" where its table lists an enum
//   output: diagnostic{"get-op.md", 31, note, "example-placeholder-value", "response example: /status ..."}
#pragma once

#include "model/fixture.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace conform::cli {

// JSON pointer -> line of each value of a documented JSON body, read from the page text as written (lenient:
// trailing commas, `...` lines, comments), the body starting at line `body_line` of `page`. A value's line is
// where it starts; an object or array's is the line of its opening bracket.
std::map<std::string, std::size_t, std::less<>> pointer_lines(std::string_view page, std::size_t body_line);
// The line of `pointer`, else of its nearest ancestor found (a missing property: the object lacking it), else
// `body_line`.
std::size_t line_of_pointer(const std::map<std::string, std::size_t, std::less<>>& lines,
                            std::string_view pointer, std::size_t body_line);

// How a check result on a documented example reads as a diagnostic.
struct example_finding {
  std::string code;  // "example-type", "example-request-enum", "example-placeholder-value", ...
  severity level = severity::warning;
  std::string pointer;
  std::string message;
  bool request = false;  // in the request body (else the response body)
};

// Every contradiction of one fixture's documented request and response bodies with the contract it is held
// to (set.contract_for(f)).
std::vector<example_finding> example_findings(const fixture& f, const fixture_set& set);

// example_findings for every fixture, as diagnostics at the lines of the offending values (pages are read
// again, only those with findings, to place them). Appended to `out`.
void lint_examples(const fixture_set& set, std::vector<diagnostic>& out);

// Places findings of one fixture (e.g. the reference server's repairs) as diagnostics; `page_text` cache
// keyed by file, filled as needed.
void place_findings(const fixture& f, const std::vector<example_finding>& findings,
                    std::map<std::string, std::string, std::less<>>& page_text, std::vector<diagnostic>& out);

}  // namespace conform::cli
