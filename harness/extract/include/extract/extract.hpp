// conform::extract — documentation pages (markdown) become fixtures and diagnostics; knows nothing of HTTP
// I/O.
//   input : "### Request\n<!-- {\"blockType\":\"request\",\"name\":\"get_user\"} -->\n```http\nGET
//   https://graph.microsoft.com/v1.0/me\n```\n..." output: fixture{id="get-user/get_user", request{GET,
//   ".../v1.0/me"}, response{200, odata_type="microsoft.graph.user"}}
#pragma once

#include "model/fixture.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace conform::extract {

struct options {
  std::size_t max_json_depth = 64;                // deeper documented JSON is an error, not a stack overflow
  std::size_t max_file_bytes = 64 * 1024 * 1024;  // larger files are a diagnostic, not read
  std::string default_version = "v1.0";           // for relative URLs on pages that never name a version
  // Checks `conform lint` asks for, which do not change fixtures: YAML front matter (invalid-front-matter),
  // JSON blocks of resource pages (invalid-json-body), and in extract_paths links between pages (broken-link,
  // link-case-mismatch, broken-anchor).
  bool lint_checks = false;
  // Folders that belong to the docs tree besides those named and the folders of pages named (lint: the folder
  // of the .conform-lint.json in force), so links from a few named pages into the rest of the tree are
  // checked.
  std::vector<std::string> docs_roots;
};

// Extracts one document already in memory. `file` names it in fixtures and diagnostics. Resource pages add to
// out.types; API pages add fixtures. Call link() once all pages are in.
void extract_text(std::string_view file, std::string_view text, fixture_set& out, const options& opts = {});

// Reads every file named (whatever its extension) and walks directories for *.md (sorted, for stable output),
// then links. Paths that do not exist are returned in `missing` and skipped.
void extract_paths(const std::vector<std::string>& paths, fixture_set& out, std::vector<std::string>& missing,
                   const options& opts = {});

// Gives each fixture the properties of the type its response names (@odata.type), from resource pages.
void link(fixture_set& set);

// The `conform extract` document: {"fixtures": [...], "diagnostics": [...]}, one fixture a line.
std::string to_json_text(const fixture_set& set);
// The same document handed to `sink` in pieces as it is written, so that it is never held whole in memory.
void write_json_text(const fixture_set& set, const std::function<void(std::string_view)>& sink);
boost::json::value to_json(const fixture_set& set);  // the same document as a value
boost::json::value to_json(const fixture& f);
boost::json::value to_json(const diagnostic& d);

// Exposed for tests and the reference server: lenient JSON as documented (trailing commas, `...` lines,
// NBSP).
struct json_parse_result {
  std::optional<boost::json::value> value;
  std::vector<std::string> repairs;  // what was repaired, empty when strict JSON
  std::string error;                 // why it failed, when !value
  std::size_t error_line = 0;        // 1-based line inside the text, 0 when unknown
};
json_parse_result parse_documented_json(std::string_view text, std::size_t max_depth);

}  // namespace conform::extract
