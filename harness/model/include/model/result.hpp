// conform::model results — what a replay found, as data that reporters render late.
//   input : a fixture and the server's answer
//   output: case_result{verdict=failed, checks=[{check=status, expected="201", actual="500"}]}
#pragma once

#include "model/error.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conform {

// Each check has a stable id used in reports (see to_string).
enum class check_id {
  status,
  content_type,
  json,
  odata_type,
  required_property,
  property_type,
  enum_value,
  unexpected_property,
};
std::string_view to_string(check_id c);  // "status", "content-type", "json", "odata-type", ...

enum class check_outcome { passed, failed, skipped, note };
std::string_view to_string(check_outcome o);

struct check_result {
  check_id check = check_id::status;
  check_outcome outcome = check_outcome::passed;
  std::string pointer;   // JSON pointer into the response body, "" for the whole message
  std::string expected;  // what the docs say
  std::string actual;    // what the server sent
  std::string message;   // one readable sentence
};

enum class verdict { passed, failed, error, skipped };
std::string_view to_string(verdict v);

struct case_result {
  std::string fixture_id;
  std::string page;  // classname
  std::string file;
  std::size_t line = 0;
  std::string method;
  std::string url;  // as sent, secrets redacted
  verdict outcome = verdict::passed;
  std::vector<check_result> checks;  // failed, skipped and note results (passed ones are only counted, below)
  std::size_t passed_checks = 0;     // checks that passed; their results are dropped to keep large runs small
  std::error_code error;       // for verdict::error: a run_error (its stage_name goes into reports)
  std::error_code cause;       // what the system or the TLS library said underneath, when anything
  std::string error_message;  // for verdict::error: readable, names what was tried
  std::string skip_reason;    // for verdict::skipped
  int status = 0;             // status received, 0 when none
  double seconds = 0.0;
  int attempts = 0;
  bool passed_after_retry = false;
  std::vector<std::string> substitutions;  // placeholder values replaced before sending
  std::vector<std::string> notes;          // informational lines

  // First failed check, or nullptr.
  const check_result* first_failure() const;
};

struct run_summary {
  std::size_t passed = 0, failed = 0, errors = 0, skipped = 0;
};

struct run_result {
  std::vector<case_result> cases;
  std::vector<std::pair<std::string, std::string>> properties;  // target, conform version, filters, ...
  std::string started_at;                                       // ISO 8601 UTC
  double seconds = 0.0;

  run_summary summary() const;
};

}  // namespace conform
