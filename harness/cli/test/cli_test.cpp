// The built `conform` binary driven as a script would: exit codes, report files, the serve port line.
#include "conform_process.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using conform::test::command_result;
using conform::test::conform_bin;
using conform::test::fresh_dir;
using conform::test::read_file;
using conform::test::run_captured;
using conform::test::run_conform;
using conform::test::serve_process;
using conform::test::shell_word;

const fs::path seeds_dir = fs::path(CONFORM_SHARED_DIR) / "seeds";
const std::string suite_file = std::string(CONFORM_SOURCE_DIR) + "/suites/seeds.json";

// The seed pages are .txt: directories are walked for *.md only, so name each file.
std::vector<std::string> seed_args() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(seeds_dir))
    if (e.path().extension() == ".txt") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string seed_files() {
  std::string out;
  for (const auto& f : seed_args()) out += " " + shell_word(f);
  return out;
}

// `conform ARGS` run by sh after `setup` (e.g. "ulimit -n 64 &&"), stdout and stderr together.
command_result conform_in_shell(const std::string& setup, const std::string& args) {
  return run_captured("sh -c " + shell_word(setup + " exec " + shell_word(conform_bin) + " " + args) +
                      " 2>&1");
}

bool have_xmllint() {
  return std::system("command -v xmllint >/dev/null 2>&1") == 0;
}

fs::path temp_dir(const std::string& name) {
  return fresh_dir("conform-cli-" + name);
}

// A port nothing listens on: bound, read, released (no one else binds ports on loopback in the test run).
int refused_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

#define REQUIRE_SEEDS()                                                           \
  if (!fs::exists(seeds_dir)) GTEST_SKIP() << "no shared seeds at " << seeds_dir; \
  static_assert(true)

// One documented exchange; `response_body` decides whether the page is clean.
std::string exchange_page(const std::string& response_body) {
  return "# Get me\n\n"
         "<!-- { \"blockType\": \"request\", \"name\": \"get_me\" } -->\n"
         "```http\nGET https://graph.microsoft.com/v1.0/me\n```\n\n"
         "<!-- { \"blockType\": \"response\" } -->\n"
         "```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n" +
         response_body + "\n```\n";
}

fs::path write_page(const fs::path& dir, const std::string& name, const std::string& text) {
  fs::path page = dir / name;
  std::ofstream(page) << text;
  return page;
}

// The whole extract document: it parses, and holds the fixtures and the diagnostics' codes by severity.
struct extract_document {
  bool parsed = false;
  std::size_t fixtures = 0;
  std::vector<std::string> errors, warnings;
};

extract_document read_document(const std::string& text) {
  extract_document d;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return d;
  const auto& o = v.as_object();
  if (!o.contains("fixtures") || !o.contains("diagnostics")) return d;
  d.parsed = true;
  d.fixtures = o.at("fixtures").as_array().size();
  for (const auto& diag : o.at("diagnostics").as_array()) {
    const auto& x = diag.as_object();
    (x.at("severity").as_string() == "error" ? d.errors : d.warnings)
        .emplace_back(x.at("code").as_string().c_str());
  }
  return d;
}

command_result extract_to(const fs::path& page, const fs::path& out) {
  return run_conform("extract " + shell_word(page.string()) + " -o " + shell_word(out.string()));
}

TEST(CliExtract, DocumentationErrorExits1AndTheDocumentIsStillWhole) {
  fs::path dir = temp_dir("extract-error");
  fs::path page = write_page(dir, "get-me.md", exchange_page("{\"id\": \"1\", \"displayName\": }"));
  fs::path out = dir / "fixtures.json";
  command_result r = extract_to(page, out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  extract_document d = read_document(read_file(out));
  ASSERT_TRUE(d.parsed) << read_file(out);
  EXPECT_EQ(d.fixtures, 1u);
  EXPECT_EQ(d.errors, std::vector<std::string>{"invalid-json-body"});

  command_result to_stdout = run_conform("extract " + shell_word(page.string()));
  EXPECT_EQ(to_stdout.exit_code, 1) << to_stdout.output;
  EXPECT_EQ(read_document(to_stdout.output).errors, std::vector<std::string>{"invalid-json-body"})
      << to_stdout.output;
}

TEST(CliExtract, CleanPageExits0AndWarningsAloneDoNotFail) {
  fs::path dir = temp_dir("extract-clean");
  fs::path page = write_page(dir, "get-me.md", exchange_page("{\"id\": \"1\"}"));
  fs::path out = dir / "fixtures.json";
  command_result r = extract_to(page, out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  extract_document d = read_document(read_file(out));
  ASSERT_TRUE(d.parsed) << read_file(out);
  EXPECT_EQ(d.fixtures, 1u);
  EXPECT_TRUE(d.errors.empty() && d.warnings.empty()) << read_file(out);

  // A trailing comma is repaired with a warning: the page is still free of errors.
  fs::path repaired = write_page(dir, "repaired.md", exchange_page("{\"id\": \"1\",}"));
  command_result w = extract_to(repaired, out);
  EXPECT_EQ(w.exit_code, 0) << w.output;
  EXPECT_EQ(read_document(read_file(out)).warnings, std::vector<std::string>{"json-repaired"});
}

TEST(CliExtract, UsageErrorsExit2) {
  fs::path dir = temp_dir("extract-usage");
  fs::path page = write_page(dir, "get-me.md", exchange_page("{\"id\": \"1\"}"));
  EXPECT_EQ(run_conform("extract").exit_code, 2);
  EXPECT_EQ(run_conform("extract --no-such-flag " + shell_word(page.string())).exit_code, 2);
  EXPECT_EQ(run_conform("extract /no/such/dir/page.md").exit_code, 2);
  // A page with an error does not hide a usage error: the output cannot be written below a file.
  fs::path broken = write_page(dir, "broken.md", exchange_page("{\"id\": }"));
  command_result r = extract_to(broken, page / "x.json");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cannot write"), std::string::npos) << r.output;
}

TEST(CliRun, SeedsWithSuitePassAndJunitValidatesAgainstJenkinsSchema) {
  REQUIRE_SEEDS();
  fs::path dir = temp_dir("junit");
  fs::path junit = dir / "reports" / "junit.xml";
  fs::path json = dir / "report.json";
  command_result r = run_conform("run" + seed_files() + " --suite " + shell_word(suite_file) + " --junit " +
                                 shell_word(junit.string()) + " --json " + shell_word(json.string()) +
                                 " --junit-surefire " + shell_word((dir / "surefire").string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("4 passed, 0 failed, 0 errors, 1 skipped"), std::string::npos) << r.output;
  ASSERT_TRUE(fs::exists(junit));
  EXPECT_NE(read_file(json).find("\"passed\":4"), std::string::npos) << read_file(json);
  EXPECT_FALSE(fs::is_empty(dir / "surefire"));
  fs::path xsd =
      fs::path(CONFORM_SOURCE_DIR) / "harness" / "report" / "test" / "schemas" / "jenkins-junit-10.xsd";
  if (!have_xmllint() || !fs::exists(xsd)) GTEST_SKIP() << "xmllint or the Jenkins XSD is absent";
  std::string cmd = "xmllint --noout --schema " + shell_word(xsd.string()) + " " +
                    shell_word(junit.string()) + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << read_file(junit);
  fs::remove_all(dir);
}

TEST(CliRun, SuitePathsAloneAreEnough) {
  command_result r =
      run_conform("run --suite " + shell_word(suite_file));  // its paths name the repo's fixtures/
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("4 passed"), std::string::npos) << r.output;
}

TEST(CliRun, UnboundPlaceholdersAreErrorsExit2) {
  REQUIRE_SEEDS();
  command_result r = run_conform("run" + seed_files());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("{callId}"), std::string::npos) << r.output;
}

TEST(CliRun, EnvironmentAndFlagsBindVariables) {
  REQUIRE_SEEDS();
  setenv("CONFORM_VAR_callId", "env-call-1", 1);
  setenv("CONFORM_VAR_usersId", "env-user-1", 1);
  fs::path dir = temp_dir("vars");
  command_result r = run_conform("run" + seed_files() +
                                 " --var usersId=flag-user-1 --var managedAppRegistrationId=m-1 --json " +
                                 shell_word((dir / "r.json").string()));
  unsetenv("CONFORM_VAR_callId");
  unsetenv("CONFORM_VAR_usersId");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::string json = read_file(dir / "r.json");
  EXPECT_NE(json.find("/calls/env-call-1/operations"), std::string::npos) << json;
  EXPECT_NE(json.find("/users/flag-user-1/"), std::string::npos) << json;  // the flag beats the environment
  fs::remove_all(dir);
}

TEST(CliRun, UnknownFlagExits3) {
  command_result r = run_conform("run --no-such-flag x.md");
  EXPECT_EQ(r.exit_code, 3) << r.output;
}

TEST(CliRun, MissingPathExits3WithOneLine) {
  command_result r = run_conform("run /no/such/dir/page.md");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("/no/such/dir/page.md"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(CliRun, BadSuiteAndBadVarExit3) {
  REQUIRE_SEEDS();
  fs::path dir = temp_dir("badsuite");
  std::ofstream(dir / "s.json") << "{\"varibles\": {}}";
  command_result r = run_conform("run" + seed_files() + " --suite " + shell_word((dir / "s.json").string()));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("varibles"), std::string::npos) << r.output;
  EXPECT_EQ(run_conform("run" + seed_files() + " --var novalue").exit_code, 3);
  EXPECT_EQ(run_conform("run" + seed_files() + " --bearer-env CONFORM_TEST_SURELY_UNSET").exit_code, 3);
}

TEST(CliRun, RefusedPortExits2) {
  REQUIRE_SEEDS();
  std::string target = "http://127.0.0.1:" + std::to_string(refused_port());
  command_result r = run_conform("run" + seed_files() + " --suite " + shell_word(suite_file) + " --target " +
                                 target + " --connect-timeout 2000");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("connect"), std::string::npos) << r.output;
}

TEST(CliRun, BearerTokenNeverPrintedOrReported) {
  REQUIRE_SEEDS();
  fs::path dir = temp_dir("bearer");
  const std::string token = "cli-secret-token-4242";
  setenv("CONFORM_TEST_TOKEN", token.c_str(), 1);
  command_result r =
      run_conform("run" + seed_files() + " --suite " + shell_word(suite_file) +
                  " --bearer-env CONFORM_TEST_TOKEN --verbose --header 'X-Api-Key: k-31337' --secret-header "
                  "X-Api-Key --junit " +
                  shell_word((dir / "j.xml").string()) + " --json " + shell_word((dir / "j.json").string()));
  unsetenv("CONFORM_TEST_TOKEN");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const std::string& text : {r.output, read_file(dir / "j.xml"), read_file(dir / "j.json")}) {
    EXPECT_EQ(text.find(token), std::string::npos);
    EXPECT_EQ(text.find("k-31337"), std::string::npos);
  }
  fs::remove_all(dir);
}

// A page with `n` documented GETs (/v1.0/items/1..n), each answered 200 with its id.
fs::path items_page(const fs::path& dir, int n) {
  std::string text = "# Items\n";
  for (int i = 1; i <= n; ++i) {
    const std::string id = std::to_string(i);
    text += "\n<!-- { \"blockType\": \"request\", \"name\": \"get_item_" + id +
            "\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/items/" + id +
            "\n```\n\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n"
            "Content-Type: application/json\n\n{\"id\": \"" +
            id + "\"}\n```\n";
  }
  return write_page(dir, "items.md", text);
}

std::string property(const std::string& json_report, const std::string& name) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json_report, ec);
  if (ec || !v.is_object() || !v.as_object().contains("properties")) return "<no report>";
  for (const auto& p : v.as_object().at("properties").as_array())
    if (p.as_object().at("name").as_string() == name)
      return std::string(p.as_object().at("value").as_string());
  return "";
}

// --rate and --retry-unsafe, and their suite keys, reach the run and its reports.
TEST(CliRun, RateAndRetryUnsafeAreRunProperties) {
  fs::path dir = temp_dir("rate");
  fs::path page = items_page(dir, 3);
  fs::path json = dir / "r.json";
  command_result r = run_conform("run " + shell_word(page.string()) + " --rate 1000 --retry-unsafe --json " +
                                 shell_word(json.string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(property(read_file(json), "rate"), "1000/s");
  EXPECT_NE(property(read_file(json), "retry-unsafe").find("true"), std::string::npos);

  std::ofstream(dir / "s.json") << R"({"paths": ["items.md"], "rate": 500, "retry_unsafe": true})";
  r = run_conform("run --suite " + shell_word((dir / "s.json").string()) + " --json " +
                  shell_word(json.string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(property(read_file(json), "rate"), "500/s");
  EXPECT_NE(property(read_file(json), "retry-unsafe").find("true"), std::string::npos);
  EXPECT_EQ(run_conform("run " + shell_word(page.string()) + " --rate -1").exit_code, 3);
  fs::remove_all(dir);
}

// `conform run` with the embedded reference server under `ulimit -n 64` (soft and hard): 100 cases asked
// at --concurrency 1024 used to run out of descriptors (connects failed, the server could not accept, cases
// timed out). Concurrency is lowered to what fits, on stderr and in the run properties, and all pass.
TEST(CliRun, ConcurrencyFitsTheOpenFileLimit) {
  fs::path dir = temp_dir("nofile");
  fs::path page = items_page(dir, 100);
  fs::path json = dir / "r.json";
  command_result r = conform_in_shell("ulimit -n 64 &&", "run " + shell_word(page.string()) +
                                                             " --concurrency 1024 --timeout 3000 --json " +
                                                             shell_word(json.string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("100 passed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--concurrency 1024 lowered to"), std::string::npos) << r.output;
  EXPECT_NE(property(read_file(json), "concurrency").find("lowered from 1024"), std::string::npos)
      << property(read_file(json), "concurrency");
  fs::remove_all(dir);
}

// A soft limit below the hard one is raised at start: the same run at --concurrency 100 under a soft
// `ulimit -Sn 64` needs no lowering.
TEST(CliRun, RaisesTheSoftOpenFileLimit) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_max < 1024) GTEST_SKIP() << "hard RLIMIT_NOFILE is only " << limit.rlim_max;
  fs::path dir = temp_dir("nofile-soft");
  fs::path page = items_page(dir, 100);
  fs::path json = dir / "r.json";
  command_result r = conform_in_shell("ulimit -Sn 64 &&", "run " + shell_word(page.string()) +
                                                              " --concurrency 100 --timeout 3000 --json " +
                                                              shell_word(json.string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("100 passed"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("lowered"), std::string::npos) << r.output;
  EXPECT_EQ(property(read_file(json), "concurrency"), "100");
  fs::remove_all(dir);
}

TEST(CliServe, PrintsPortAnswersAndStopsOnSigterm) {
  REQUIRE_SEEDS();
  std::vector<std::string> args = {"serve", "--port", "0"};
  for (const auto& f : seed_args()) args.push_back(f);
  serve_process serve(args);
  int port = serve.port();
  ASSERT_GT(port, 0);
  command_result r = run_conform("run" + seed_files() + " --suite " + shell_word(suite_file) +
                                 " --target http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // One log line per exchange, written before the answer: all four are there once the run is over.
  std::string log;
  for (int i = 0; i < 4; ++i) log += serve.line() + "\n";
  EXPECT_NE(log.find("POST /beta/communications/calls/57dab8b1-894c-409a-b240-bd8beae78896/operations 201 "
                     "004_4075fbbf3047755e/create_commsoperation_from_ "),
            std::string::npos)
      << log;
  EXPECT_EQ(serve.stop(), 0);
}

TEST(CliServe, FaultMakesTheRunFailExit1) {
  REQUIRE_SEEDS();
  std::vector<std::string> args = {"serve", "--quiet", "--port", "0", "--fault", "bad-enum@004_*"};
  for (const auto& f : seed_args()) args.push_back(f);
  serve_process serve(args);
  int port = serve.port();
  ASSERT_GT(port, 0);
  command_result r = run_conform("run" + seed_files() + " --suite " + shell_word(suite_file) +
                                 " --target http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL 004_4075fbbf3047755e/create_commsoperation_from_"), std::string::npos)
      << r.output;
  EXPECT_EQ(serve.stop(), 0);
}

TEST(CliServe, PortInUseExits3) {
  REQUIRE_SEEDS();
  std::vector<std::string> args = {"serve", "--quiet", "--port", "0"};
  for (const auto& f : seed_args()) args.push_back(f);
  serve_process first(args);
  int port = first.port();
  ASSERT_GT(port, 0);
  command_result r = run_conform("serve --port " + std::to_string(port) + seed_files());
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.output;
  EXPECT_EQ(first.stop(), 0);
}

TEST(CliServe, NothingRunnableExits3) {
  REQUIRE_SEEDS();
  command_result r =
      run_conform("serve --port 0 " + shell_word((seeds_dir / "002_5b201cfe4641fe6d.txt").string()));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("nothing to serve"), std::string::npos) << r.output;
}

}  // namespace
