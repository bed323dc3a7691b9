// conform extract PATH... [-o FILE]: doc pages -> {"fixtures": [...], "diagnostics": [...]}.
#include "commands.hpp"
#include "example_lint.hpp"
#include "extract/extract.hpp"
#include "lint_config.hpp"
#include "lint_format.hpp"
#include "metadata.hpp"
#include "report/report.hpp"
#include "signals.hpp"

#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <tuple>

namespace conform::cli {
namespace {

struct extract_options {
  std::vector<std::string> paths;
  std::string output;
  std::string default_version = "v1.0";
};

fixture_set extract_or_throw(const std::vector<std::string>& paths, const extract::options& eo = {}) {
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths(paths, set, missing, eo);
  if (!missing.empty()) throw usage_error("no such file or directory: " + missing.front());
  const std::size_t unread = report_unread_pages(set, std::cerr);
  if (set.files_read == 0)
    throw usage_error(unread > 0 ? "no page could be read"
                                 : "no documentation pages found (directories are searched for *.md)");
  return set;
}

// A page that could not be read is the caller's trouble, like a missing one (2), not the documentation's (1):
// the output is still whole for the pages that were read.
int exit_status_of(const fixture_set& set, bool doc_errors) {
  if (std::any_of(set.diagnostics.begin(), set.diagnostics.end(), is_unread_page)) return usage_extract;
  return doc_errors ? failures : ok;
}

// extract and lint end the process right after their output: freeing the set's strings and JSON nodes one by
// one took 1.5 % of `conform extract`'s instructions, so the set is left for the OS to reclaim. It stays
// reachable through this pointer, so leak checkers do not report it.
const fixture_set& keep_until_exit(fixture_set&& set) {
  static fixture_set* kept = nullptr;
  kept = new fixture_set(std::move(set));
  return *kept;
}

// The document is written whole either way; the exit code tells a script whether the docs have errors.
bool has_errors(const fixture_set& set) {
  return std::any_of(set.diagnostics.begin(), set.diagnostics.end(),
                     [](const diagnostic& d) { return d.level == severity::error; });
}

// An output path that cannot be written is a usage error found before the pages are read.
void check_output(const std::string& output) {
  std::error_code ec;
  report::check_report_path(output, ec);
  if (ec) throw usage_error("cannot write " + output + ": " + ec.message());
}

// The document to stdout or to -o (written as reports are: a regular file replaced whole, anything else
// written through); false, said on stderr, when it could not be written whole.
bool write_document(const fixture_set& set, const std::string& output) {
  if (output.empty()) {
    extract::write_json_text(set, [](std::string_view piece) {
      std::cout.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    });
    if (std::cout.flush()) return true;
    std::cerr << "conform: cannot write the document to stdout\n";
    return false;
  }
  ignore_sigpipe();
  std::error_code ec;
  report::write_file_atomic(
      output, [&](const report::chunk_sink& sink) { extract::write_json_text(set, sink); }, ec);
  if (!ec) return true;
  std::cerr << "conform: cannot write " << output << ": " << ec.message() << '\n';
  return false;
}

}  // namespace

void setup_extract(CLI::App& app, int& exit_status) {
  auto opts = std::make_shared<extract_options>();
  auto* sub = app.add_subcommand("extract", "Turn documentation pages into fixtures (JSON)");
  sub->add_option("paths", opts->paths, "Doc pages (any extension) or directories (walked for *.md)")
      ->required();
  sub->add_option("-o,--output", opts->output, "Write the JSON here (atomically) instead of stdout");
  sub->add_option("--default-version", opts->default_version,
                  "API version of relative documented URLs on pages whose folder and absolute URLs name none "
                  "(default v1.0)")
      ->check(version_check());
  sub->callback([opts, &exit_status] {
    if (!opts->output.empty()) check_output(opts->output);
    extract::options eo;
    eo.default_version = opts->default_version;
    const fixture_set& set = keep_until_exit(extract_or_throw(opts->paths, eo));
    exit_status = write_document(set, opts->output) ? exit_status_of(set, has_errors(set)) : report_failed;
  });
}

// The same diagnostic twice (two links on one line to the same missing page) says nothing the first did not:
// one is kept. `ds` is sorted by file and line, so repeats lie within one line's run.
void drop_repeated(std::vector<diagnostic>& ds) {
  std::set<std::tuple<severity, std::string, std::string>> on_line;  // a line may hold thousands of links
  std::size_t kept = 0;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    if (kept == 0 || ds[kept - 1].file != ds[i].file || ds[kept - 1].line != ds[i].line) on_line.clear();
    if (!on_line.emplace(ds[i].level, ds[i].code, ds[i].message).second) continue;
    if (kept != i) ds[kept] = std::move(ds[i]);
    ++kept;
  }
  ds.resize(kept);
}

struct lint_options {
  std::vector<std::string> paths;
  std::vector<std::string> metadata;
  std::string suite;
  lint_settings flags;    // format and baseline set only when given
  std::string docs_root;  // the folder of the .conform-lint.json in force, if any
  std::string default_version = "v1.0";
};

// The settings in force: the nearest .conform-lint.json at or above the first page's folder, then the suite's
// "lint" object, then the flags (each later one wins). Paths and metadata from the suite when the command
// line names none.
lint_settings effective_settings(lint_options& opts) {
  lint_settings s;
  lint_suite suite;
  if (!opts.suite.empty()) {
    suite = read_lint_suite(opts.suite);
    if (opts.paths.empty()) opts.paths = suite.paths;
    if (opts.metadata.empty()) opts.metadata = suite.metadata;
  }
  if (opts.paths.empty())
    throw usage_error("no documentation PATH given (on the command line or as suite \"paths\")");
  if (auto found = find_lint_config(opts.paths.front())) {
    s = read_lint_config(*found);
    opts.docs_root = found->parent_path().string();  // the docs tree, for links out of the pages named
  }
  overlay(s, suite.settings);
  overlay(s, opts.flags);
  return s;
}

void setup_lint(CLI::App& app, int& exit_status) {
  auto opts = std::make_shared<lint_options>();
  auto* sub = app.add_subcommand("lint", "Check documentation pages; print diagnostics compiler-style");
  sub->add_option(
      "paths", opts->paths,
      "Doc pages (any extension) or directories (walked for *.md); default: the suite's \"paths\"");
  sub->add_option(
      "--suite", opts->suite,
      "Suite file: its \"lint\" object (the keys of .conform-lint.json), \"paths\" and \"metadata\"");
  sub->add_option("--metadata", opts->metadata,
                  "Also compare the docs with CSDL $metadata: [VERSION=]PATH_OR_URL (repeatable); "
                  "disagreements are csdl-* warnings")
      ->allow_extra_args(false);
  sub->add_option("--format", opts->flags.format,
                  "text (file:line: severity: code: message), json or sarif (2.1.0)")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  sub->add_option("--ignore", opts->flags.selection.ignore, "Drop diagnostics of this code (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--error", opts->flags.selection.error, "Make diagnostics of this code errors (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--warning", opts->flags.selection.warning,
                  "Make diagnostics of this code warnings (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--baseline", opts->flags.baseline,
                  "A previous --format json output: only diagnostics not in it (same file, code and message) "
                  "decide the exit code");
  sub->add_option("--default-version", opts->default_version,
                  "API version of relative documented URLs on pages whose folder and absolute URLs name none "
                  "(default v1.0)")
      ->check(version_check());
  sub->footer(
      "Settings also come from the nearest .conform-lint.json at or above the first PATH's folder and "
      "from a suite's \"lint\" object; flags win.");
  sub->callback([opts, &exit_status] {
    const lint_settings settings = effective_settings(*opts);
    const std::string format = settings.format.value_or("text");
    const std::string baseline_file = settings.baseline.value_or("");
    // Read first: a baseline that cannot be used is a usage error found before the pages are read.
    const lint_baseline baseline = baseline_file.empty() ? lint_baseline{} : read_baseline(baseline_file);
    extract::options eo;
    eo.default_version = opts->default_version;
    eo.lint_checks = true;
    if (!opts->docs_root.empty()) eo.docs_roots.push_back(opts->docs_root);
    fixture_set extracted = extract_or_throw(opts->paths, eo);
    if (!opts->metadata.empty())
      load_metadata(extracted, opts->metadata, metadata_fetch{}, std::cerr, extracted.diagnostics);
    lint_examples(extracted, extracted.diagnostics);
    // Sorted by page and line (the example checks come after extraction's own diagnostics).
    std::stable_sort(extracted.diagnostics.begin(), extracted.diagnostics.end(),
                     [](const diagnostic& a, const diagnostic& b) {
                       return a.file != b.file ? a.file < b.file : a.line < b.line;
                     });
    drop_repeated(extracted.diagnostics);
    // A page that could not be read fails the command (2) whatever the selection drops.
    const bool unread =
        std::any_of(extracted.diagnostics.begin(), extracted.diagnostics.end(), is_unread_page);
    select_diagnostics(extracted.diagnostics, settings.selection);
    const fixture_set& set = keep_until_exit(std::move(extracted));
    const std::vector<diagnostic>& ds = set.diagnostics;
    const std::vector<bool> old = baseline_file.empty() ? std::vector<bool>{} : match_baseline(ds, baseline);
    std::size_t errors = 0, warnings = 0, notes = 0, new_errors = 0, in_baseline = 0;
    for (std::size_t i = 0; i < ds.size(); ++i) {
      const diagnostic& d = ds[i];
      (d.level == severity::error ? errors : d.level == severity::note ? notes : warnings)++;
      const bool is_old = !old.empty() && old[i];
      in_baseline += is_old;
      new_errors += d.level == severity::error && !is_old;
    }
    std::string out;
    if (format == "json") {
      out = to_lint_json(ds);
    } else if (format == "sarif") {
      out = to_sarif(ds, old);
    } else {
      out = to_lint_text(ds);
      std::size_t runnable = 0;
      for (const auto& f : set.fixtures) runnable += f.runnable;
      out += std::to_string(set.files_read) + " files, " + std::to_string(set.fixtures.size()) +
             " fixtures (" + std::to_string(runnable) + " runnable), " + std::to_string(errors) +
             " errors, " + std::to_string(warnings) + " warnings" +
             (notes > 0 ? ", " + std::to_string(notes) + " notes" : "") +
             (baseline_file.empty() ? std::string()
                                    : " (" + std::to_string(in_baseline) + " in the baseline, " +
                                          std::to_string(new_errors) + " new errors)") +
             "\n";
    }
    std::cout << out;
    exit_status = unread ? usage_extract : new_errors > 0 ? failures : ok;
  });
}

}  // namespace conform::cli
