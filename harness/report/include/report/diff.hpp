// conform::report diff — what changed between two runs, read from their JSON reports.
//   input : OLD {"cases":[{"id":"a","outcome":"failed"},{"id":"b","outcome":"passed"}]},
//           NEW {"cases":[{"id":"a","outcome":"passed"},{"id":"b","outcome":"failed"},{"id":"c",...}]}
//   output: report_diff{new_failures=[b], fixed=[a], still_failing=[], added=[c], removed=[]}
#pragma once

#include "model/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace conform::report {

// One case as a JSON report gives it.
struct reported_case {
  std::string id;
  std::string outcome;  // "passed", "failed", "error", "skipped", "waived"
  std::string message;  // the first failed check's message or the error's, "" otherwise
  bool failing() const { return outcome == "failed" || outcome == "error"; }
};

// The cases of a JSON report (json_report's shape). Throws std::invalid_argument with a one-line reason when
// the text is not one ("not JSON: ...", "no \"cases\" array").
std::vector<reported_case> read_json_report(std::string_view text);
// The same cases from a run in memory.
std::vector<reported_case> reported_cases(const run_result& run);

struct case_change {
  std::string id;
  std::string old_outcome;  // "" when the case is not in OLD
  std::string new_outcome;  // "" when the case is not in NEW
  std::string message;      // NEW's failure message (OLD's for fixed and removed cases)
};

// Failing = outcome failed or error. Lists are in NEW's case order (removed: OLD's).
struct report_diff {
  std::vector<case_change> new_failures;   // failing in NEW and not failing in OLD (or not in OLD at all)
  std::vector<case_change> fixed;          // failing in OLD, passed in NEW
  std::vector<case_change> still_failing;  // failing in both
  std::vector<case_change> added;          // in NEW only
  std::vector<case_change> removed;        // in OLD only
};

report_diff diff_reports(const std::vector<reported_case>& old_cases,
                         const std::vector<reported_case>& new_cases);

// A whole JSON report read back into a run (for merging shards): every field json_report writes; an error's
// cause comes back as text (case_result::cause_text). Throws std::invalid_argument like read_json_report.
run_result read_run(std::string_view text);
// Shard reports as one run: cases in (position, file, line, id) order, position being the fixture's place in
// the set every shard extracted from the same paths, so the order is an unsharded run's; started_at the
// earliest, seconds summed; properties of the first without "shard", plus "merged" naming how many reports.
// Throws std::invalid_argument when a fixture id is in two reports.
run_result merge_runs(const std::vector<run_result>& runs, const std::vector<std::string>& names);

// For people: one section per non-empty list, then "N new failures, N fixed, N still failing, N new, N
// removed".
std::string diff_text(const report_diff& d);
// {"summary":{"new_failures":N,...},"new_failures":[{"id","old","new","message"}],...}
std::string diff_json(const report_diff& d);

}  // namespace conform::report
