// conform::model results — what a replay found, as data that reporters render late.
//   input : a fixture and the server's answer
//   output: case_result{verdict=failed, checks=[{check=status, expected="201", actual="500"}]}
#pragma once

#include "model/error.hpp"
#include "model/fixture.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
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
  // The contract the expectation comes from, for failures on a documented property: the doc's "file:line"
  // or the CSDL's "microsoft.graph.user.accountEnabled: Edm.Boolean"; "" when it is the example itself.
  std::string contract;
};

// The failed and note results one case keeps of each check. A hostile body can fail a check once per byte (an
// enum value of 20,000 undocumented parts was 20,000 failures, each with its own copy of the value: 1.36 GB):
// past `keep` results of a check and outcome, the rest are counted and not built, and one more result says
// how many ("and 19950 more ..."), so a case's results stay small and its counts stay honest.
class result_budget {
 public:
  static constexpr std::size_t default_keep = 50;
  explicit result_budget(std::size_t keep = default_keep) : keep_(keep) {}

  // Whether to build and keep one more result of this check and outcome; counted either way.
  bool take(check_id id, check_outcome o);
  // How many results of this check and outcome were counted but not kept.
  std::size_t dropped(check_id id, check_outcome o) const;
  // Appends one result per outcome of `id` that dropped any, saying how many.
  void append_dropped(check_id id, std::vector<check_result>& out) const;

 private:
  static constexpr std::size_t checks = static_cast<std::size_t>(check_id::unexpected_property) + 1;
  static std::size_t slot(check_id id, check_outcome o);  // failed and note results only
  std::size_t keep_;
  std::size_t seen_[checks * 2] = {};
};

// waived: failed or errored, but every failure is a known one a live waiver names (it does not fail the run).
// inconclusive: every check passed, but the answer gave them nothing to check (an empty collection, a zero
// $count): not a failure, and not counted as a pass either, so "2,424 passed" cannot hide it.
enum class verdict { passed, failed, error, skipped, waived, inconclusive };

// A known failure (suite "waivers"): fixture ids matching `fixture` (a glob) may fail `check` (a check id
// such as "status", or an error stage such as "timeout"; "" = any) until the end of `until` (YYYY-MM-DD, UTC;
// "" = no end).
struct waiver {
  std::string fixture;
  std::string check;
  std::string reason;
  std::string until;
};

// A bounded copy of one HTTP message, kept as evidence (the response of a failed or errored case; request
// and response of every case under -v): secrets are redacted before the body is cut, so no cut can leave the
// start of a secret behind.
struct message_excerpt {
  static constexpr std::size_t body_limit = 4096;  // bytes of the body kept
  int status = 0;                                  // a response's status; 0 for a request
  std::string reason;                              // a response's reason phrase
  std::string method;                              // a request's method
  std::string url;                                 // a request's URL
  header_list headers;                             // every header, values of secret ones as "***"
  std::string body;  // the first body_limit bytes (cut back to a UTF-8 character boundary)
  bool truncated = false;
  std::size_t body_bytes = 0;  // size of the whole body
};
std::string_view to_string(verdict v);

// One run of a case that was run again (--rerun-failures), as the reports show it.
struct attempt_record {
  verdict outcome = verdict::passed;
  int status = 0;  // status received, 0 when none
  double seconds = 0;
  std::string type;     // the first failed check ("status") or the error's stage ("connect"); "" when passed
  std::string message;  // its one-line message
  std::string details;  // every failed check, or the error, as text (Surefire's <stackTrace>)
};

struct case_result {
  std::string fixture_id;
  std::string page;  // classname
  std::string file;
  std::size_t line = 0;
  // Where the fixture is in the set the run was given (its order in an unsharded run); merge orders by it.
  std::size_t position = 0;
  std::string method;
  std::string url;  // as sent, secrets redacted
  verdict outcome = verdict::passed;
  std::vector<check_result> checks;  // failed, skipped and note results (passed ones are only counted, below)
  std::size_t passed_checks = 0;     // checks that passed; their results are dropped to keep large runs small
  std::error_code error;             // for verdict::error: a run_error (its stage_name goes into reports)
  std::error_code cause;             // what the system or the TLS library said underneath, when anything
  std::string cause_text;            // the same as text only, for a case read back from a JSON report (merge)
  std::string error_message;         // for verdict::error: readable, names what was tried
  std::string skip_reason;           // for verdict::skipped
  std::string inconclusive_reason;   // for verdict::inconclusive: what the answer left unchecked
  int status = 0;                    // status received, 0 when none
  double seconds = 0.0;
  int attempts = 0;
  bool passed_after_retry = false;
  std::vector<std::string> substitutions;  // placeholder values replaced before sending
  std::vector<std::string> notes;          // informational lines
  // Evidence: the server's answer (failed and errored cases that got one; every case under -v until the
  // console has shown it), the request as sent (-v only) and a shell command that sends the same request
  // again, secrets as environment variable references (failed and errored cases that sent one).
  std::optional<message_excerpt> response;
  std::optional<message_excerpt> request;
  std::string curl;
  // --rerun-failures: a failed or errored case is run again; one that then passes is passed and flaky. Every
  // run is kept, the first first; the case's own results are those of its passing run, or of its first run
  // when none passed (as Surefire keeps the first failure and lists the reruns).
  std::optional<waiver> waived_by;  // for verdict::waived: the (first) waiver that covered its failures
  bool flaky = false;
  std::vector<attempt_record> attempts_detail;  // empty unless the case was rerun

  // First failed check, or nullptr.
  const check_result* first_failure() const;
};

struct run_summary {
  std::size_t passed = 0, failed = 0, errors = 0, skipped = 0, waived = 0, inconclusive = 0;
};

// A resource the run created (a create step's answer named its id), and what became of it.
struct created_resource {
  std::string fixture_id;  // the fixture whose request created it
  std::string url;         // the item's URL (redacted)
  // "deleted by <fixture id>", "cleaned up (204)", "kept (--keep-created)", "cleanup failed: ...",
  // "left behind: the run was interrupted"
  std::string fate;
  bool left_behind = false;  // still exists as far as the run knows
};

struct run_result {
  std::vector<case_result> cases;
  std::vector<std::pair<std::string, std::string>> properties;  // target, conform version, filters, ...
  std::string started_at;                                       // ISO 8601 UTC
  double seconds = 0.0;
  // What the run has to say besides the cases, one line each, for stderr ("waiver ... expired on ...").
  std::vector<std::string> warnings;
  std::vector<created_resource> created;  // what the run created, in that order, and what became of it

  run_summary summary() const;
};

}  // namespace conform
