// `conform lint` on real Graph pages (harness/cli/test/data/lint/, copied unchanged from the v1.0 corpus with
// a line of origin): documented examples held to their own contract, each contradiction at its value's line.
#include "conform_process.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace conform::test;

const fs::path data_dir = fs::path(CONFORM_SOURCE_DIR) / "harness" / "cli" / "test" / "data" / "lint";

// "lint ARGS", each of ARGS one shell word.
std::string lint_args(const std::vector<std::string>& args) {
  std::string words = "lint";
  for (const auto& a : args) words += " " + shell_word(a);
  return words;
}

// `conform lint ARGS`: stdout alone.
command_result lint(const std::vector<std::string>& args) {
  return run_conform(lint_args(args), "", false);
}

struct diag {
  std::string file;
  int line = 0;
  std::string severity, code, message;
};

std::vector<diag> parse(const std::string& text) {
  std::vector<diag> out;
  static const std::regex re(R"(^(.*):(\d+): (\w+): ([a-z0-9-]+): (.*)$)");
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_match(l, m, re))
      out.push_back({fs::path(m[1].str()).filename().string(), std::stoi(m[2]), m[3], m[4], m[5]});
  }
  return out;
}

// The same from `--format json`, which keeps every diagnostic (text collapses a cause repeated on a page).
std::vector<diag> parse_json(const std::string& text) {
  std::vector<diag> out;
  boost::system::error_code ec;
  const auto doc = boost::json::parse(text, ec);
  if (ec || !doc.is_object()) return out;
  for (const auto& v : doc.at("diagnostics").as_array()) {
    const auto& o = v.as_object();
    out.push_back({fs::path(std::string(o.at("file").as_string())).filename().string(),
                   o.at("line").to_number<int>(), std::string(o.at("severity").as_string()),
                   std::string(o.at("code").as_string()), std::string(o.at("message").as_string())});
  }
  return out;
}

std::vector<diag> with_code(const std::vector<diag>& all, const std::string& code) {
  std::vector<diag> out;
  for (const auto& d : all)
    if (d.code == code) out.push_back(d);
  return out;
}

fs::path temp_dir(const std::string& name) {
  return fresh_dir("conform-lint-" + name);
}

void replace_once(std::string& s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
}

// call-updaterecordingstatus.md: the request sends "notRecording | recording | failed" (line 69) and the
// response "completed" (line 111) where the page's table lists notRecording, recording, failed.
TEST(ExampleLint, RequestAndResponseEnumsAgainstThePageTable) {
  const auto out = lint({(data_dir / "call-updaterecordingstatus.md").string()});
  const auto all = parse(out.output);
  const auto req = with_code(all, "example-request-enum");
  ASSERT_EQ(req.size(), 1u) << out.output;
  EXPECT_EQ(req[0].line, 69);
  EXPECT_EQ(req[0].severity, "warning");
  EXPECT_NE(req[0].message.find("/status"), std::string::npos);
  EXPECT_NE(req[0].message.find("call-updaterecordingstatus.md:45"), std::string::npos)
      << "names the table row";
  const auto resp = with_code(all, "example-enum");
  ASSERT_EQ(resp.size(), 1u) << out.output;
  EXPECT_EQ(resp[0].line, 111);
  EXPECT_NE(resp[0].message.find("\"completed\""), std::string::npos);
  EXPECT_EQ(out.exit_code, 0) << "warnings do not fail lint";
}

// contact-update.md: "birthday": "1974-07-22" (request line 112, response line 152) where the table says
// DateTimeOffset; the table says String for categories, which the response shows as an array (line 150).
TEST(ExampleLint, TypesOfRequestAndResponseValues) {
  const auto all = parse(lint({(data_dir / "contact-update.md").string()}).output);
  const auto req = with_code(all, "example-request-type");
  ASSERT_EQ(req.size(), 1u);
  EXPECT_EQ(req[0].line, 112);
  EXPECT_NE(req[0].message.find("/birthday should be DateTimeOffset"), std::string::npos) << req[0].message;
  const auto resp = with_code(all, "example-type");
  std::vector<int> lines;
  for (const auto& d : resp) lines.push_back(d.line);
  EXPECT_NE(std::find(lines.begin(), lines.end(), 152), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), 150), lines.end());
  for (const auto& d : resp) EXPECT_EQ(d.severity, "warning");
}

// user-list-mailfolders.md: the collection shows a mailSearchFolder among mailFolders, so every other item
// must name its type (OData's rule): one example-odata-type per item without @odata.type, at its own line.
TEST(ExampleLint, OdataTypeAtEachItem) {
  const auto all =
      parse_json(lint({(data_dir / "user-list-mailfolders.md").string(), "--format", "json"}).output);
  const auto found = with_code(all, "example-odata-type");
  ASSERT_EQ(found.size(), 8u);
  EXPECT_EQ(found.front().line, 112);
  EXPECT_EQ(found.back().line, 187);
  const std::string page = read_file(data_dir / "user-list-mailfolders.md");
  std::vector<std::string> lines;
  std::istringstream in(page);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (const auto& d : found)
    EXPECT_EQ(lines.at(static_cast<std::size_t>(d.line - 1)).find('{') != std::string::npos, true)
        << "line " << d.line << " opens the item lacking @odata.type";
}

// riskyuser-get.md shows "Boolean", "String (timestamp)" and "String" as values: notes, not warnings, and the
// type failures they cause ("Boolean" for a Boolean) are not said twice.
TEST(ExampleLint, PlaceholdersAreNotes) {
  const auto out = lint({(data_dir / "riskyuser-get.md").string()});
  const auto all = parse(out.output);
  const auto ph = with_code(all, "example-placeholder-value");
  ASSERT_EQ(ph.size(), 8u) << out.output;
  for (std::size_t i = 0; i < ph.size(); ++i) {
    EXPECT_EQ(ph[i].line, 81 + static_cast<int>(i));
    EXPECT_EQ(ph[i].severity, "note");
  }
  EXPECT_TRUE(with_code(all, "example-type").empty()) << out.output;
  EXPECT_NE(out.output.find("0 errors, 0 warnings, 8 notes"), std::string::npos) << out.output;
  EXPECT_EQ(out.exit_code, 0);
}

// shift.md marks userId, schedulingGroupId, sharedShift and draftShift Required. shift-get.md's example is
// truncated, so leaving sharedShift out is fine; the same example marked complete, with userId also dropped,
// lacks sharedShift and userId, said at the line of the object lacking them.
TEST(ExampleLint, MissingRequiredPropertyOnlyInCompleteExamples) {
  const auto clean =
      parse(lint({(data_dir / "shift-get.md").string(), (data_dir / "shift.md").string()}).output);
  EXPECT_TRUE(with_code(clean, "example-missing-property").empty());

  const fs::path dir = temp_dir("missing");
  std::string page = read_file(data_dir / "shift-get.md");
  replace_once(page, "\"truncated\": true,", "\"truncated\": false,");
  replace_once(page, "\t\"userId\": \"a7b0c8c4-3f5c-492f-ab13-40f0e0f0ffa8\",\n", "");
  std::ofstream(dir / "shift-get.md") << page;
  fs::copy_file(data_dir / "shift.md", dir / "shift.md");
  const auto all = parse(lint({(dir / "shift-get.md").string(), (dir / "shift.md").string()}).output);
  const auto missing = with_code(all, "example-missing-property");
  ASSERT_EQ(missing.size(), 2u);
  for (const auto& d : missing) {
    EXPECT_EQ(d.file, "shift-get.md");
    EXPECT_EQ(d.line, 102) << "the body's opening brace";
  }
  EXPECT_NE(missing[0].message.find("/sharedShift") == std::string::npos
                ? missing[1].message.find("/sharedShift")
                : 0,
            std::string::npos);
  fs::remove_all(dir);
}

// user-update.md's table says usageLocation is "Not nullable." (a row copied unchanged); an example showing
// null there contradicts it. A property the docs do not call non-nullable may be null in an example.
TEST(ExampleLint, NullWhereTheTableSaysNotNullable) {
  const fs::path dir = temp_dir("nullable");
  std::ofstream(dir / "get-me.md")
      << "# Get user\n\n"
         "## Properties\n\n"
         "| Property | Type | Description |\n"
         "|:---|:---|:---|\n"
         "|usageLocation|String|A two letter country code (ISO standard 3166). Required for users that will "
         "be "
         "assigned licenses due to legal requirement to check for availability of services in countries.  "
         "Examples include: `US`, `JP`, and `GB`. Not nullable.|\n"
         "|officeLocation|String|The office location in the user's place of business.|\n\n"
         "<!-- { \"blockType\": \"request\", \"name\": \"get_me\" } -->\n"
         "```http\nGET https://graph.microsoft.com/v1.0/me\n```\n\n"
         "<!-- { \"blockType\": \"response\", \"truncated\": true } -->\n"
         "```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n"
         "{\n  \"officeLocation\": null,\n  \"usageLocation\": null\n}\n```\n";
  const auto all = parse(lint({(dir / "get-me.md").string()}).output);
  const auto found = with_code(all, "example-nullable");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 22);
  EXPECT_NE(found[0].message.find("/usageLocation"), std::string::npos);
  fs::remove_all(dir);
}

// `conform serve` with its stderr in `err_file` (what it says at start is written before its first stdout
// line).
struct serve_with_stderr {
  std::unique_ptr<conform_process> process;
  serve_with_stderr(const std::vector<std::string>& args, const fs::path& err_file) {
    std::fflush(stderr);
    const int saved = dup(STDERR_FILENO);
    const int fd = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDERR_FILENO);
    close(fd);
    process = std::make_unique<conform_process>(args);
    dup2(saved, STDERR_FILENO);
    close(saved);
  }
};

int run_against(const std::string& url, const fs::path& page) {
  return run_command(shell_word(conform_bin) + " run " + shell_word(page.string()) + " --target " + url +
                     " >/dev/null 2>&1");
}

// riskyuser-get.md's response shows "Boolean" and "String (timestamp)" as values. The reference server fills
// them with real values and says each fill at start, as the lint diagnostic (a note) at the value's line; a
// self-replay then passes. ("String" for a String is a valid string: served as is, so not a repair.) With
// --verbatim the response is served as written and the replay fails on the docs' own placeholders.
TEST(ServeRepairs, SaidAtStartAndVerbatimServesTheDocsAsWritten) {
  const fs::path dir = temp_dir("serve");
  const fs::path page = data_dir / "riskyuser-get.md";
  {
    serve_with_stderr s({"serve", page.string(), "--port", "0", "--quiet"}, dir / "err.txt");
    const std::string url = s.process->url();
    ASSERT_FALSE(url.empty());
    const auto said = parse(read_file(dir / "err.txt"));
    const auto ph = with_code(said, "example-placeholder-value");
    ASSERT_EQ(ph.size(), 3u) << read_file(dir / "err.txt");
    for (std::size_t i = 0; i < ph.size(); ++i) {
      EXPECT_EQ(ph[i].line, 81 + static_cast<int>(i));
      EXPECT_EQ(ph[i].severity, "note");
      EXPECT_NE(ph[i].message.find("served"), std::string::npos);
    }
    EXPECT_NE(read_file(dir / "err.txt").find("--verbatim"), std::string::npos);
    EXPECT_EQ(run_against(url, page), 0) << "the repaired answer passes its own checks";
    EXPECT_EQ(s.process->stop(), 0);
  }
  {
    serve_with_stderr s({"serve", page.string(), "--port", "0", "--quiet", "--verbatim"}, dir / "err.txt");
    const std::string url = s.process->url();
    ASSERT_FALSE(url.empty());
    EXPECT_TRUE(parse(read_file(dir / "err.txt")).empty()) << "nothing is repaired, so nothing is said";
    EXPECT_EQ(run_against(url, page), 1) << "the documented placeholders fail the documented types";
    EXPECT_EQ(s.process->stop(), 0);
  }
  fs::remove_all(dir);
}

// --format json: {"diagnostics": [{"file","line","column","severity","code","message"}]}, the same
// diagnostics the text shows.
TEST(LintFormat, JsonHoldsTheSameDiagnostics) {
  const fs::path page = data_dir / "call-updaterecordingstatus.md";
  const auto text = parse(lint({page.string()}).output);
  const auto out = lint({page.string(), "--format", "json"});
  EXPECT_EQ(out.exit_code, 0);
  boost::system::error_code ec;
  const auto doc = boost::json::parse(out.output, ec);
  ASSERT_FALSE(ec) << out.output;
  const auto& ds = doc.at("diagnostics").as_array();
  ASSERT_EQ(ds.size(), text.size());
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const auto& o = ds[i].as_object();
    EXPECT_EQ(o.size(), 6u);
    EXPECT_EQ(fs::path(std::string(o.at("file").as_string())).filename().string(), text[i].file);
    EXPECT_EQ(o.at("line").to_number<int>(), text[i].line);
    EXPECT_EQ(o.at("column").to_number<int>(), 1);
    EXPECT_EQ(o.at("severity").as_string(), text[i].severity);
    EXPECT_EQ(o.at("code").as_string(), text[i].code);
    EXPECT_EQ(o.at("message").as_string(), text[i].message);
  }
}

bool have_jsonschema() {
  return std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

// SARIF 2.1.0, validated against the OASIS schema (../shared/schemas) with python3-jsonschema: errors,
// warnings and notes, a baseline's states, a page named by a relative path with a space in it.
TEST(LintFormat, SarifValidatesAgainstTheSchema) {
  const fs::path schema = fs::path(CONFORM_SHARED_DIR) / "schemas" / "sarif-schema-2.1.0.json";
  if (!fs::exists(schema) || !have_jsonschema())
    GTEST_SKIP() << "needs " << schema << " and python3-jsonschema";
  const fs::path dir = temp_dir("sarif");
  fs::copy_file(data_dir / "riskyuser-get.md", dir / "risky user.md");
  fs::copy_file(data_dir / "call-updaterecordingstatus.md", dir / "call.md");
  ASSERT_EQ(run_command("cd " + shell_word(dir.string()) + " && " + shell_word(conform_bin) +
                        " lint call.md --format json >baseline.json 2>/dev/null"),
            0);
  const std::string cmd =
      "cd " + shell_word(dir.string()) + " && " + shell_word(conform_bin) +
      " lint 'risky user.md' call.md --error example-enum --format sarif --baseline baseline.json"
      " >out.sarif 2>/dev/null";
  EXPECT_EQ(run_command(cmd), 0) << "the only error is in the baseline";
  const std::string sarif = read_file(dir / "out.sarif");
  const auto doc = boost::json::parse(sarif);
  EXPECT_EQ(doc.at("version").as_string(), "2.1.0");
  const auto& results = doc.at("runs").as_array().at(0).at("results").as_array();
  std::set<std::string> levels, states, uris;
  for (const auto& r : results) {
    levels.insert(std::string(r.at("level").as_string()));
    states.insert(std::string(r.at("baselineState").as_string()));
    uris.insert(std::string(r.at("locations")
                                .as_array()
                                .at(0)
                                .at("physicalLocation")
                                .at("artifactLocation")
                                .at("uri")
                                .as_string()));
  }
  EXPECT_EQ(levels, (std::set<std::string>{"error", "warning", "note"}));
  EXPECT_EQ(states, (std::set<std::string>{"new", "unchanged"}));
  EXPECT_TRUE(uris.contains("risky%20user.md")) << sarif;
  const std::string validate =
      "python3 -c 'import json,sys,jsonschema; jsonschema.Draft4Validator(json.load(open(sys.argv[1])))"
      ".validate(json.load(open(sys.argv[2])))' " +
      shell_word(schema.string()) + " " + shell_word((dir / "out.sarif").string());
  EXPECT_EQ(run_command(validate), 0) << sarif;
  // The validator is not lenient: a result without a message fails it.
  std::string broken = sarif;
  replace_once(broken, "\"message\":{\"text\":", "\"massage\":{\"text\":");
  std::ofstream(dir / "broken.sarif") << broken;
  EXPECT_NE(
      run_command(
          "python3 -c 'import json,sys,jsonschema; jsonschema.Draft4Validator(json.load(open(sys.argv[1])))"
          ".validate(json.load(open(sys.argv[2])))' " +
          shell_word(schema.string()) + " " + shell_word((dir / "broken.sarif").string()) + " 2>/dev/null"),
      0);
  fs::remove_all(dir);
}

// --ignore drops a code; --error and --warning set its severity, and the exit code follows.
TEST(LintFormat, IgnoreErrorWarning) {
  const fs::path page = data_dir / "call-updaterecordingstatus.md";
  const auto ignored = lint({page.string(), "--ignore", "example-enum"});
  EXPECT_TRUE(with_code(parse(ignored.output), "example-enum").empty());
  EXPECT_EQ(with_code(parse(ignored.output), "example-request-enum").size(), 1u);
  const auto raised = lint({page.string(), "--error", "example-enum"});
  EXPECT_EQ(raised.exit_code, 1);
  const auto e = with_code(parse(raised.output), "example-enum");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].severity, "error");
  const auto notes =
      lint({(data_dir / "riskyuser-get.md").string(), "--warning", "example-placeholder-value"});
  for (const auto& d : parse(notes.output)) EXPECT_EQ(d.severity, "warning");
  EXPECT_EQ(lint({page.string(), "--format", "yaml"}).exit_code, 2);
}

// --baseline: a run whose errors are all in the baseline exits 0, even after the lines moved; a new error
// fails it. Matched by file, code and message.
TEST(LintFormat, BaselineOnlyNewDiagnosticsDecide) {
  const fs::path dir = temp_dir("baseline");
  const fs::path page = dir / "call.md";
  fs::copy_file(data_dir / "call-updaterecordingstatus.md", page);
  const auto first = lint({page.string(), "--error", "example-enum", "--format", "json"});
  EXPECT_EQ(first.exit_code, 1);
  std::ofstream(dir / "baseline.json") << first.output;
  std::string text = read_file(page);
  text.insert(0, "\n\n\n");  // every line moves
  std::ofstream(page, std::ios::trunc) << text;
  const auto again =
      lint({page.string(), "--error", "example-enum", "--baseline", (dir / "baseline.json").string()});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("(2 in the baseline, 0 new errors)"), std::string::npos) << again.output;
  replace_once(text, "\"status\": \"completed\"", "\"status\": \"Running\"");  // a new contradiction
  std::ofstream(page, std::ios::trunc) << text;
  EXPECT_EQ(lint({page.string(), "--error", "example-enum", "--baseline", (dir / "baseline.json").string()})
                .exit_code,
            1);
  EXPECT_EQ(lint({page.string(), "--baseline", (dir / "nothing.json").string()}).exit_code, 2);
  fs::remove_all(dir);
}

// False alarms of issue 12, each on the real page it was found on.

std::vector<diag> codes_of(const std::string& page, const std::string& code) {
  return with_code(parse(lint({(data_dir / page).string()}).output), code);
}

// Alternate responses to one request: permission-grant.md shows two 200s, site-follow.md a 200 and a 207,
// workbookoperation-get.md three statuses of the operation. None is an unpaired response.
TEST(FalseAlarms, AlternateResponsesAreNotUnpaired) {
  for (const char* page : {"permission-grant.md", "site-follow.md", "workbookoperation-get.md"})
    EXPECT_TRUE(codes_of(page, "unpaired-response").empty()) << page;
}

// reportroot-getonedriveusagefilecounts.md documents a 302 and the 200 the redirect leads to (annotated
// "ignored" there); the same 200 without the annotation is one exchange with the 302, not an unpaired
// response.
TEST(FalseAlarms, TheResponseARedirectLeadsToIsNotUnpaired) {
  const fs::path dir = temp_dir("redirect");
  std::string page = read_file(data_dir / "reportroot-getonedriveusagefilecounts.md");
  replace_once(page, "<!-- { \"blockType\": \"ignored\" } --> \n", "\n");
  std::ofstream(dir / "report.md") << page;
  const auto all = parse(lint({(dir / "report.md").string()}).output);
  EXPECT_TRUE(with_code(all, "unpaired-response").empty()) << lint({(dir / "report.md").string()}).output;
  fs::remove_all(dir);
}

// call-answer.md shows the notifications the service POSTs to the bot (https://bot.contoso.com/api/calls):
// callbacks to a partner's host, not API calls owing a response. A request to the API's host still does.
TEST(FalseAlarms, CallbacksToOtherHostsAreNotUnpairedRequests) {
  EXPECT_TRUE(codes_of("call-answer.md", "unpaired-request").empty());
  const fs::path dir = temp_dir("callback");
  std::string page = read_file(data_dir / "call-answer.md");
  replace_once(page, "POST https://bot.contoso.com/api/calls",
               "POST https://graph.microsoft.com/v1.0/communications/calls");
  std::ofstream(dir / "call-answer.md") << page;
  EXPECT_EQ(with_code(parse(lint({(dir / "call-answer.md").string()}).output), "unpaired-request").size(),
            1u);
  fs::remove_all(dir);
}

// drive-get.md has a "### HTTP request" heading in each of its sections (under SDK tabs, "#
// [HTTP](#tab/http)"), holding request templates; page-get.md lists a URL template over two lines
// ("GET /me/onenote/pages/{id}/content[?includeIDs=true]" and "$value[...]"). Templates, not examples.
TEST(FalseAlarms, RequestTemplatesAreNotUnpairedRequests) {
  EXPECT_TRUE(codes_of("drive-get.md", "unpaired-request").empty());
  for (const auto& d : codes_of("page-get.md", "unpaired-request")) EXPECT_NE(d.line, 29);
}

// todotask-delta.md heads its one example request with "### HTTP Request" (absolute URL, annotated
// "ignored"): still the example its response answers.
TEST(FalseAlarms, AnExampleUnderAnHttpRequestHeadingStaysAnExample) {
  const auto out = lint({(data_dir / "todotask-delta.md").string()});
  EXPECT_NE(out.output.find("1 fixtures (1 runnable)"), std::string::npos) << out.output;
  EXPECT_TRUE(with_code(parse(out.output), "unpaired-response").empty());
}

// channel-get-members.md, a page of the v1.0 docs, shows its example as /beta/: in the documentation set
// where nearly every example URL names v1.0 (the corpus: 9 in 10 or more), that is a url-version-mismatch at
// the request line; the v1.0 examples are not.
TEST(UrlChecks, VersionDifferingFromTheDocumentationSets) {
  const fs::path corpus = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0";
  if (!fs::exists(corpus)) GTEST_SKIP() << "corpus not found at " << corpus;
  const auto found = with_code(parse(lint({corpus.string()}).output), "url-version-mismatch");
  ASSERT_FALSE(found.empty());
  bool channel = false;
  for (const auto& d : found) {
    channel = channel || (d.file == "channel-get-members.md" && d.line == 63);
    EXPECT_NE(d.message.find("names API version beta where"), std::string::npos) << d.message;
  }
  EXPECT_TRUE(channel);
}

// Three real examples on one page (contact-update's and shift-get's v1.0 requests, channel-get-members' beta
// one): the page's own majority decides, whatever the set.
TEST(UrlChecks, VersionDifferingFromThePages) {
  const fs::path dir = temp_dir("version");
  std::ofstream(dir / "mixed.md") << read_file(data_dir / "contact-update.md")
                                  << read_file(data_dir / "shift-get.md")
                                  << read_file(data_dir / "channel-get-members.md");
  const auto found = with_code(parse(lint({(dir / "mixed.md").string()}).output), "url-version-mismatch");
  ASSERT_EQ(found.size(), 1u);
  const std::string before = read_file(data_dir / "contact-update.md") + read_file(data_dir / "shift-get.md");
  EXPECT_EQ(found[0].line, static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 63)
      << "channel-get-members' request line";
  EXPECT_NE(found[0].message.find("the page's other examples name v1.0"), std::string::npos)
      << found[0].message;
  fs::remove_all(dir);
}

// contact-update.md's request with the host mistyped as Graph docs have it
// ("https://graph/microsoft.com/...", a '/' for a '.') or misspelt: look-alike-host at the request line;
// Graph's own host and unrelated hosts are not.
TEST(UrlChecks, LookAlikeHosts) {
  const fs::path dir = temp_dir("host");
  const std::string page = read_file(data_dir / "contact-update.md");
  for (const std::string host :
       {"https://graph/microsoft.com", "https://graph.microsft.com", "https://Graph.Microsoft.con"}) {
    std::string bent = page;
    replace_once(bent, "PATCH https://graph.microsoft.com/v1.0/me/contacts/{id}",
                 "PATCH " + host + "/v1.0/me/contacts/{id}");
    std::ofstream(dir / "contact-update.md", std::ios::trunc) << bent;
    const auto found =
        with_code(parse(lint({(dir / "contact-update.md").string()}).output), "look-alike-host");
    ASSERT_EQ(found.size(), 1u) << host;
    EXPECT_EQ(found[0].line, 101);
  }
  EXPECT_TRUE(
      with_code(parse(lint({(data_dir / "contact-update.md").string()}).output), "look-alike-host").empty());
  EXPECT_TRUE(
      with_code(parse(lint({(data_dir / "call-answer.md").string()}).output), "look-alike-host").empty())
      << "bot.contoso.com is another host, not a look-alike";
  fs::remove_all(dir);
}

// Settings from files (issue 12): the nearest .conform-lint.json at or above the page's folder, a suite's
// "lint" object, the flags; each later one wins.

command_result lint_all(const std::vector<std::string>& args) {  // stdout and stderr
  return run_conform(lint_args(args));
}

// call-updaterecordingstatus.md has one example-request-enum (line 69) and one example-enum (line 111).
TEST(LintConfig, NearestFileAboveThePageDecidesAndFlagsWin) {
  const fs::path dir = temp_dir("config");
  fs::create_directories(dir / "docs" / "api");
  const fs::path page = dir / "docs" / "api" / "call.md";
  fs::copy_file(data_dir / "call-updaterecordingstatus.md", page);
  std::ofstream(dir / ".conform-lint.json") << "{\"ignore\": [\"example-request-enum\"]}";
  std::ofstream(dir / "docs" / ".conform-lint.json")
      << "// the docs team's choices\n{\"ignore\": [\"example-enum\"], \"error\": "
         "\"example-request-enum\",}\n";
  auto out = lint({page.string()});
  auto all = parse(out.output);
  EXPECT_TRUE(with_code(all, "example-enum").empty()) << out.output;
  auto req = with_code(all, "example-request-enum");
  ASSERT_EQ(req.size(), 1u) << "the nearest file wins whole, the one above it is not read: " << out.output;
  EXPECT_EQ(req[0].severity, "error");
  EXPECT_EQ(out.exit_code, 1);
  // The folder named instead of the page: the same file applies.
  EXPECT_EQ(lint({(dir / "docs").string()}).exit_code, 1);
  // Flags win over the file, code by code.
  out = lint({page.string(), "--warning", "example-request-enum", "--error", "example-enum"});
  all = parse(out.output);
  ASSERT_EQ(with_code(all, "example-request-enum").size(), 1u);
  EXPECT_EQ(with_code(all, "example-request-enum")[0].severity, "warning");
  ASSERT_EQ(with_code(all, "example-enum").size(), 1u) << "--error brings back a code the file ignores";
  EXPECT_EQ(out.exit_code, 1);
  // format and baseline (relative to the file that names it).
  std::ofstream(dir / "docs" / "old.json") << lint({page.string(), "--format", "json"}).output;
  std::ofstream(dir / "docs" / ".conform-lint.json", std::ios::trunc)
      << "{\"error\": [\"example-request-enum\"], \"baseline\": \"old.json\", \"format\": \"json\"}";
  out = lint({page.string()});
  boost::system::error_code ec;
  boost::json::parse(out.output, ec);
  EXPECT_FALSE(ec) << "format from the file: " << out.output;
  EXPECT_EQ(out.exit_code, 0) << "the error is in the baseline the file names";
  EXPECT_EQ(lint({page.string(), "--format", "text"}).output.find("{\"diagnostics\""), std::string::npos);
  fs::remove_all(dir);
}

TEST(LintConfig, UnknownKeysAndBadValuesNameTheFile) {
  const fs::path dir = temp_dir("config-bad");
  fs::copy_file(data_dir / "call-updaterecordingstatus.md", dir / "call.md");
  for (const std::string bad : {"{\"ingore\": [\"example-enum\"]}", "{\"error\": 3}",
                                "{\"format\": \"yaml\"}", "{\"ignore\": [\"a\"", "[]"}) {
    std::ofstream(dir / ".conform-lint.json", std::ios::trunc) << bad;
    const auto out = lint_all({(dir / "call.md").string()});
    EXPECT_EQ(out.exit_code, 2) << bad;
    EXPECT_NE(out.output.find((dir / ".conform-lint.json").string()), std::string::npos) << bad << out.output;
  }
  std::ofstream(dir / ".conform-lint.json", std::ios::trunc) << "{\"ingore\": [\"example-enum\"]}";
  const auto out = lint_all({(dir / "call.md").string()});
  EXPECT_NE(out.output.find("unknown lint setting \"ingore\""), std::string::npos) << out.output;
  fs::remove_all(dir);
}

// A suite's "lint" object (the same keys), its "paths" when the command line names none; the suite's other
// settings are run's and left alone. It comes after the .conform-lint.json and before the flags.
TEST(LintConfig, SuiteLintObject) {
  const fs::path dir = temp_dir("config-suite");
  fs::create_directories(dir / "docs");
  fs::copy_file(data_dir / "call-updaterecordingstatus.md", dir / "docs" / "call.md");
  std::ofstream(dir / "docs" / ".conform-lint.json") << "{\"error\": [\"example-enum\"]}";
  std::ofstream(dir / "suite.json") << "{\"target\": \"http://127.0.0.1:1\", \"paths\": [\"docs\"],\n"
                                       " \"lint\": {\"warning\": [\"example-enum\"], \"ignore\": "
                                       "[\"example-request-enum\"]}}";
  auto out = lint({"--suite", (dir / "suite.json").string()});
  auto all = parse(out.output);
  ASSERT_EQ(with_code(all, "example-enum").size(), 1u) << out.output;
  EXPECT_EQ(with_code(all, "example-enum")[0].severity, "warning") << "the suite wins over the file";
  EXPECT_TRUE(with_code(all, "example-request-enum").empty());
  EXPECT_EQ(out.exit_code, 0);
  out = lint({"--suite", (dir / "suite.json").string(), "--error", "example-enum"});
  EXPECT_EQ(out.exit_code, 1) << "flags win over the suite";
  std::ofstream(dir / "suite.json", std::ios::trunc)
      << "{\"paths\": [\"docs\"], \"lint\": {\"ignored\": []}}";
  out = lint_all({"--suite", (dir / "suite.json").string()});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find((dir / "suite.json").string()), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("\"ignored\""), std::string::npos) << out.output;
  fs::remove_all(dir);
}

// One cause repeated on a page (call-updaterecordingstatus.md's request and response, four times: the same
// enum contradiction four times) reads once in text, with the lines of the others; JSON keeps each.
TEST(LintText, RepeatedCauseCollapsed) {
  const fs::path dir = temp_dir("collapse");
  const std::string page = read_file(data_dir / "call-updaterecordingstatus.md");
  const std::size_t from = page.find("## Example");
  ASSERT_NE(from, std::string::npos);
  std::string text = page;
  for (int i = 0; i < 3; ++i) text += "\n" + page.substr(from);
  std::ofstream(dir / "call.md") << text;
  const auto out = lint({(dir / "call.md").string()});
  const auto shown = with_code(parse(out.output), "example-enum");
  ASSERT_EQ(shown.size(), 1u) << out.output;
  EXPECT_EQ(shown[0].line, 111);
  const std::size_t per_copy = std::count(page.begin() + static_cast<long>(from), page.end(), '\n') + 1;
  std::string more = "    ...and 3 more like this on lines ";
  for (int i = 1; i <= 3; ++i)
    more += (i > 1 ? ", " : "") + std::to_string(111 + per_copy * static_cast<std::size_t>(i));
  EXPECT_NE(out.output.find(more), std::string::npos) << out.output << "\nexpected: " << more;
  const auto json = boost::json::parse(lint({(dir / "call.md").string(), "--format", "json"}).output);
  std::size_t enums = 0;
  for (const auto& d : json.at("diagnostics").as_array()) enums += d.at("code").as_string() == "example-enum";
  EXPECT_EQ(enums, 4u);
  // A pair is not a pattern: both shown.
  std::ofstream(dir / "call.md", std::ios::trunc) << page << "\n" << page.substr(from);
  EXPECT_EQ(with_code(parse(lint({(dir / "call.md").string()}).output), "example-enum").size(), 2u);
  fs::remove_all(dir);
}

// Links between pages (issue 12). shift-get.md and shift.md as the docs lay them out (api/, resources/):
// shift-get.md links to ../resources/shift.md (lines 14 and 50), /graph/... (site links, not checked) and
// ../includes/... (a folder this checkout lacks, not checked).
TEST(LinkChecks, MissingFilesAndAnchors) {
  const fs::path dir = temp_dir("links");
  fs::create_directories(dir / "api");
  fs::create_directories(dir / "resources");
  fs::copy_file(data_dir / "shift.md", dir / "resources" / "shift.md");
  std::string page = read_file(data_dir / "shift-get.md");
  std::ofstream(dir / "api" / "shift-get.md") << page;
  auto links = [&] {
    std::vector<diag> out;
    for (const auto& d : parse_json(lint({dir.string(), "--format", "json"}).output))
      if (d.file == "shift-get.md" &&
          (d.code == "broken-link" || d.code == "broken-anchor" || d.code == "link-case-mismatch"))
        out.push_back(d);
    return out;
  };
  EXPECT_TRUE(links().empty()) << "the real pages link well";
  replace_once(page, "[shift](../resources/shift.md) object by ID",
               "[shift](../resources/shifts.md) object by ID");
  replace_once(
      page, "a [shift](../resources/shift.md) object in",
      "a [shift](../resources/shift.md#propertys) object in [x](../resources/shift.md#json-representation) "
      "[self](#http-request) [tab](#tab/http)");
  std::ofstream(dir / "api" / "shift-get.md", std::ios::trunc) << page;
  auto found = links();
  ASSERT_EQ(found.size(), 2u) << lint({dir.string()}).output;
  EXPECT_EQ(found[0].code, "broken-link");
  EXPECT_EQ(found[0].line, 14);
  EXPECT_EQ(found[0].message, "link to ../resources/shifts.md: no such file");
  EXPECT_EQ(found[1].code, "broken-anchor");
  EXPECT_EQ(found[1].line, 50);
  EXPECT_NE(found[1].message.find("has no heading or anchor 'propertys' (did you mean #properties?)"),
            std::string::npos)
      << found[1].message;
  // A file that exists under another case: found by the docs site, not by GitHub.
  replace_once(page, "../resources/shifts.md", "../resources/Shift.md");
  std::ofstream(dir / "api" / "shift-get.md", std::ios::trunc) << page;
  found = links();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].code, "link-case-mismatch");
  EXPECT_EQ(found[0].line, 14);
  // Only the page named: its folder is the docs tree, so ../resources is outside it.
  EXPECT_TRUE(
      with_code(parse_json(lint({(dir / "api" / "shift-get.md").string(), "--format", "json"}).output),
                "broken-anchor")
          .empty());
  // With a .conform-lint.json above, its folder is the docs tree: the links of a page named alone (a pull
  // request's changed page) into the rest of it are checked, anchors from the text of pages not read.
  std::ofstream(dir / ".conform-lint.json") << "{}";
  const auto alone = parse_json(lint({(dir / "api" / "shift-get.md").string(), "--format", "json"}).output);
  ASSERT_EQ(with_code(alone, "broken-anchor").size(), 1u);
  EXPECT_EQ(with_code(alone, "broken-anchor")[0].line, 50);
  EXPECT_NE(with_code(alone, "broken-anchor")[0].message.find("did you mean #properties?"),
            std::string::npos);
  EXPECT_EQ(with_code(alone, "link-case-mismatch").size(), 1u);
  // extract's document has none of lint's page checks (its diagnostics are the same as before them).
  const fs::path doc = dir / "fixtures.json";
  std::system((shell_word(conform_bin) + " extract " + shell_word(dir.string()) + " -o " +
               shell_word(doc.string()) + " 2>/dev/null")
                  .c_str());
  const std::string extracted = read_file(doc);
  ASSERT_NE(extracted.find("\"fixtures\""), std::string::npos);
  EXPECT_EQ(extracted.find("broken-anchor"), std::string::npos);
  EXPECT_EQ(extracted.find("link-case-mismatch"), std::string::npos);
  fs::remove_all(dir);
}

// Heading ids as GitHub and the docs site make them: lower case, punctuation dropped, spaces as '-', repeats
// numbered; <a name> and id attributes count as anchors.
TEST(LinkChecks, HeadingIdsAsTheSiteMakesThem) {
  const fs::path dir = temp_dir("anchors");
  std::ofstream(dir / "b.md") << "# b resource type\n\n## Relationships & more\n\n### Example 1: Get `b`\n\n"
                                 "### Example 1: Get `b`\n\n<a name=\"custom-anchor\"></a>\n\n## &lt;x&gt; "
                                 "— y’s\n";
  std::ofstream(dir / "a.md")
      << "[1](b.md#relationships--more) [2](b.md#relationships-more)\n"
         "[3](b.md#example-1-get-b) [4](b.md#example-1-get-b-1) [5](b.md#custom-anchor)\n"
         "[6](b.md#x--ys) [7](B.md#Relationships--more)\n"
         "[8](b.md#example-1-get-b-2)\n";
  const auto all = parse_json(lint({dir.string(), "--format", "json"}).output);
  const auto anchors = with_code(all, "broken-anchor");
  ASSERT_EQ(anchors.size(), 1u) << lint({dir.string()}).output;
  EXPECT_EQ(anchors[0].line, 4);
  EXPECT_EQ(with_code(all, "link-case-mismatch").size(), 1u);
  fs::remove_all(dir);
}

// Over the v1.0 corpus: the links the pages really get wrong, each checked by hand.
TEST(LinkChecks, RealDefectsInTheCorpus) {
  const fs::path corpus = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0";
  if (!fs::exists(corpus)) GTEST_SKIP() << "corpus not found at " << corpus;
  const auto all = parse_json(lint({corpus.string(), "--format", "json"}).output);
  auto has = [&](const std::string& code, const std::string& file, int line) {
    return std::any_of(all.begin(), all.end(),
                       [&](const diag& d) { return d.code == code && d.file == file && d.line == line; });
  };
  // "[identityUserFlowAttributeAssignment](..\resources\identityuserflowattributeassignment.md)"
  EXPECT_TRUE(has("broken-link", "userattributevaluesitem.md", 14));
  // "../resources/verifiedPublisher.md" where the file is verifiedpublisher.md
  EXPECT_TRUE(has("link-case-mismatch", "application-setverifiedpublisher.md", 14));
  // The corpus's includes/ folder is not part of it: none of its ~11,000 links is said.
  for (const auto& d : all) EXPECT_EQ(d.message.find("includes/"), std::string::npos) << d.message;
  EXPECT_TRUE(with_code(all, "broken-anchor").empty())
      << "the corpus's 242 anchors to its own pages all resolve";
}

// YAML front matter: contact-update.md's, broken the ways hand edits break it, each said at its line; the
// page's examples are still checked.
TEST(FrontMatter, WhatDoesNotParseIsSaidAtItsLine) {
  const fs::path dir = temp_dir("front");
  const std::string page = read_file(data_dir / "contact-update.md");
  ASSERT_TRUE(page.starts_with("---\ntitle: \"Update contact\"\n")) << page.substr(0, 60);
  struct bent {
    std::string from, to;
    int line;
    std::string says;
  };
  for (const bent& b : std::vector<bent>{
           {"title: \"Update contact\"", "title: Update contact: the basics", 2, "holds ': '"},
           {"title: \"Update contact\"", "title: \"Update contact", 2, "never closed"},
           {"title: \"Update contact\"", "title: \"Update\" contact", 2, "after the closing quote"},
           {"title: \"Update contact\"", "title: `Update contact`", 2, "starts with '`'"},
           {"title: \"Update contact\"", "title: \"Update contact\"\ntitle: again", 3,
            "duplicate key 'title'"},
           {"title: \"Update contact\"", "title \"Update contact\"", 2, "not a 'key: value' line"},
           {"title: \"Update contact\"", "title: [Update contact", 2, "not closed"},
           {"title: \"Update contact\"", "\ttitle: \"Update contact\"", 2, "tab"}}) {
    std::string text = page;
    replace_once(text, b.from, b.to);
    std::ofstream(dir / "contact-update.md", std::ios::trunc) << text;
    const auto out = lint({(dir / "contact-update.md").string()});
    const auto found = with_code(parse(out.output), "invalid-front-matter");
    ASSERT_EQ(found.size(), 1u) << b.to << "\n" << out.output;
    EXPECT_EQ(found[0].line, b.line) << b.to;
    EXPECT_EQ(found[0].severity, "error");
    EXPECT_NE(found[0].message.find(b.says), std::string::npos) << found[0].message;
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_FALSE(with_code(parse(out.output), "example-request-type").empty()) << "lint goes on";
  }
  std::string open = page;
  replace_once(open, "doc_type: apiPageType\n---", "doc_type: apiPageType\n");
  std::ofstream(dir / "contact-update.md", std::ios::trunc) << open;
  const auto found =
      with_code(parse(lint({(dir / "contact-update.md").string()}).output), "invalid-front-matter");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 1);
  EXPECT_TRUE(
      with_code(parse(lint({(data_dir / "contact-update.md").string()}).output), "invalid-front-matter")
          .empty());
  fs::remove_all(dir);
}

// JSON blocks of resource pages: shift.md's JSON representation with a quote lost, at the line it breaks;
// the real page is fine, and so is a member shown alone ("body": {...}, as chatmessagemention.md does).
TEST(ResourceJson, InvalidJsonBlocksOfResourcePages) {
  const fs::path dir = temp_dir("resource-json");
  std::string page = read_file(data_dir / "shift.md");
  EXPECT_TRUE(with_code(parse(lint({(data_dir / "shift.md").string()}).output), "invalid-json-body").empty());
  replace_once(page, "  \"createdDateTime\": \"2019-03-14T04:32:51.451Z\",",
               "  \"createdDateTime: \"2019-03-14T04:32:51.451Z\",");
  page += "\n```json\n\"body\": {\n  \"contentType\": \"html\"\n}\n```\n";
  std::ofstream(dir / "shift.md") << page;
  const auto found = with_code(parse(lint({(dir / "shift.md").string()}).output), "invalid-json-body");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 51);
  EXPECT_EQ(found[0].severity, "error");
  fs::remove_all(dir);
}

// site-getbypath.md annotates its only request as an example inside "## HTTP Request": the annotation wins,
// it is an example its response answers (the last unpaired-response of the corpus); it stays a template too.
TEST(FalseAlarms, AnnotatedRequestInTheHttpRequestSectionIsAnExample) {
  const auto out = lint({(data_dir / "site-getbypath.md").string()});
  EXPECT_TRUE(with_code(parse(out.output), "unpaired-response").empty()) << out.output;
  EXPECT_NE(out.output.find("1 fixtures (1 runnable)"), std::string::npos) << out.output;
  // Without the annotation the block is a template again and the response is unpaired.
  const fs::path dir = temp_dir("template");
  std::string page = read_file(data_dir / "site-getbypath.md");
  replace_once(page,
               "<!-- { \"blockType\": \"request\", \"name\": \"get-site-by-hostname-and-path\", \"scopes\": "
               "\"sites.read.all\", \"tags\": \"service.sharepoint\" } -->",
               "");
  std::ofstream(dir / "site-getbypath.md") << page;
  EXPECT_EQ(with_code(parse(lint({(dir / "site-getbypath.md").string()}).output), "unpaired-response").size(),
            1u);
  fs::remove_all(dir);
}

// onlinemeeting-get.md: examples 2 and 3 show an annotated request (lines 201, 281), then an `ignored`
// variant of it (the same meeting through /users/{id}), then the response: the response answers the annotated
// request, which is no unpaired request; the fixtures keep their ids.
TEST(FalseAlarms, ResponseAnswersTheAnnotatedRequestNotAnIgnoredVariant) {
  const fs::path page = data_dir / "onlinemeeting-get.md";
  EXPECT_TRUE(with_code(parse(lint({page.string()}).output), "unpaired-request").empty());
  const fs::path out = temp_dir("ignored-variant") / "fixtures.json";
  ASSERT_EQ(std::system((shell_word(conform_bin) + " extract " + shell_word(page.string()) + " -o " +
                         shell_word(out.string()) + " 2>/dev/null")
                            .c_str()),
            0);
  const auto doc = boost::json::parse(read_file(out));
  std::map<std::string, std::string> url_of;
  for (const auto& f : doc.at("fixtures").as_array())
    url_of[std::string(f.at("id").as_string())] = std::string(f.at("request").at("url").as_string());
  ASSERT_TRUE(url_of.contains("onlinemeeting-get/example-2")) << "the id the ignored request gave before";
  EXPECT_TRUE(url_of["onlinemeeting-get/example-2"].starts_with(
      "https://graph.microsoft.com/beta/me/onlineMeetings/"))
      << url_of["onlinemeeting-get/example-2"];
  ASSERT_TRUE(url_of.contains("onlinemeeting-get/example-3"));
  EXPECT_TRUE(
      url_of["onlinemeeting-get/example-3"].starts_with("https://graph.microsoft.com/v1/me/onlineMeetings?"))
      << url_of["onlinemeeting-get/example-3"];
  fs::remove_all(out.parent_path());
}

// Required rows of the request body table: application-removepassword.md's keyId ("Required.", line 45), left
// out of its request example, is said at the body's opening line (69); a conditional "Required if ..." is
// not.
TEST(ExampleLint, RequestLacksARequiredProperty) {
  const fs::path page = data_dir / "application-removepassword.md";
  EXPECT_TRUE(with_code(parse(lint({page.string()}).output), "example-request-missing-property").empty());
  const fs::path dir = temp_dir("request-required");
  std::string text = read_file(page);
  replace_once(text, "\"keyId\": \"f0b0b335-1d71-4883-8f98-567911bfdca6\"", "\"displayName\": \"x\"");
  std::ofstream(dir / "removepassword.md") << text;
  const auto found = with_code(parse(lint({(dir / "removepassword.md").string()}).output),
                               "example-request-missing-property");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 69);
  EXPECT_NE(found[0].message.find("lacks \"keyId\""), std::string::npos) << found[0].message;
  EXPECT_NE(found[0].message.find("removepassword.md:45"), std::string::npos) << found[0].message;
  replace_once(text, "The unique identifier for the password. Required.",
               "The unique identifier for the password. Required if the password has one.");
  std::ofstream(dir / "removepassword.md", std::ios::trunc) << text;
  EXPECT_TRUE(with_code(parse(lint({(dir / "removepassword.md").string()}).output),
                        "example-request-missing-property")
                  .empty());
  fs::remove_all(dir);
}

// The one in the corpus: accessreviewscheduledefinition-post.md's third example (body at line 409) leaves out
// descriptionForReviewers, a Required row (line 48) its other two examples send.
TEST(ExampleLint, RequestLacksARequiredPropertyInTheCorpus) {
  const fs::path corpus = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0";
  if (!fs::exists(corpus)) GTEST_SKIP() << "corpus not found at " << corpus;
  const auto found =
      with_code(parse(lint({(corpus / "api" / "accessreviewscheduledefinition-post.md").string()}).output),
                "example-request-missing-property");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 409);
  EXPECT_NE(found[0].message.find("\"descriptionForReviewers\""), std::string::npos);
}

// The same diagnostic twice on one line (driveitem.md:218 links to driveitemversion.md twice) is said once,
// in every format; the same link on two lines is said at each.
TEST(LintText, ExactRepeatsOnALineAreSaidOnce) {
  const fs::path dir = temp_dir("dedup");
  std::ofstream(dir / "a.md") << "# a\n\n[x](missing.md) and [again](missing.md)\n\n[x](missing.md)\n";
  const auto json = parse_json(lint({(dir / "a.md").string(), "--format", "json"}).output);
  const auto found = with_code(json, "broken-link");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].line, 3);
  EXPECT_EQ(found[1].line, 5);
  fs::remove_all(dir);
}

}  // namespace
