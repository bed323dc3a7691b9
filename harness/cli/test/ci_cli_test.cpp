// Issue 13 through the built binary: evidence of failures, reruns of flaky cases, waivers, baselines.
// Servers are scripted in-process (transport::http_server on 127.0.0.1) so a test decides what each request
// gets; reports are parsed as JSON and validated with xmllint against the Jenkins and Surefire schemas.
#include "conform_process.hpp"
#include "transport/server.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using conform::test::command_result;
using conform::test::conform_bin;
using conform::test::fresh_dir;
using conform::test::read_file;
using conform::test::run_captured;
using conform::test::run_conform;
using conform::test::shell_word;

const fs::path schemas = fs::path(CONFORM_SOURCE_DIR) / "harness" / "report" / "test" / "schemas";

fs::path temp_dir(const std::string& name) {
  return fresh_dir("conform-ci-" + name);
}

// xmllint's diagnostics for `file` against `xsd` ("" when valid; xmllint is a test dependency).
std::string schema_errors(const fs::path& xsd, const fs::path& file) {
  const command_result r = run_captured("xmllint --noout --schema " + shell_word(xsd.string()) + " " +
                                        shell_word(file.string()) + " 2>&1");
  return r.exit_code == 0 ? "" : r.output + "\n" + read_file(file);
}

// A page of documented GETs /v1.0/<name> answered 200 {"id": "<name>"}; fixture ids "<page>/get_<name>".
fs::path page_of_gets(const fs::path& dir, const std::string& page, const std::vector<std::string>& names) {
  std::string text = "# " + page + "\n";
  for (const std::string& n : names)
    text += "\n<!-- { \"blockType\": \"request\", \"name\": \"get_" + n +
            "\" } -->\n```http\nGET https://graph.microsoft.com/v1.0/" + n +
            "\n```\n\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n"
            "Content-Type: application/json\n\n{\"id\": \"" +
            n + "\"}\n```\n";
  fs::path file = dir / (page + ".md");
  std::ofstream(file) << text;
  return file;
}

conform::http_response answer(int status, std::string body) {
  conform::http_response res;
  res.status = status;
  res.reason = status == 200 ? "OK" : "Not OK";
  res.headers = {{"Content-Type", "application/json"}};
  res.body = std::move(body);
  return res;
}

// A server on 127.0.0.1 whose script says what the n-th request (from 1) for a path gets.
class scripted_server {
 public:
  using script = std::function<conform::http_response(const std::string& path, int nth)>;
  explicit scripted_server(script s) : script_(std::move(s)) {
    conform::transport::server_options so;
    server_ = std::make_unique<conform::transport::http_server>(so, [this](const conform::http_request& req) {
      int nth;
      {
        std::lock_guard lock(mutex_);
        nth = ++seen_[req.target];
      }
      return conform::transport::server_reply{script_(req.target, nth), false, {}};
    });
    std::error_code ec;
    server_->start(ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  int requests(const std::string& path) {
    std::lock_guard lock(mutex_);
    return seen_[path];
  }

 private:
  script script_;
  std::mutex mutex_;
  std::map<std::string, int> seen_;
  std::unique_ptr<conform::transport::http_server> server_;
};

const json::object* find_case(const json::value& report, const std::string& id) {
  for (const auto& c : report.at("cases").as_array())
    if (c.at("id").as_string() == id) return &c.as_object();
  ADD_FAILURE() << "no case " << id;
  return nullptr;
}

// ---- Evidence ----

TEST(CiEvidence, VerboseRunShowsExchangesAndReportsKeepTheFailingResponse) {
  fs::path dir = temp_dir("evidence");
  fs::path page = page_of_gets(dir, "things", {"good", "bad"});
  scripted_server server([](const std::string& path, int) {
    if (path == "/v1.0/bad")
      return answer(404, R"({"error":{"code":"itemNotFound","message":"no such thing"}})");
    return answer(200, R"({"id":"good"})");
  });
  command_result r = run_conform(
      "run " + shell_word(page.string()) + " --target " + server.url() +
          " -v --bearer-env CONFORM_CI_TOKEN --json " + shell_word((dir / "r.json").string()) + " --junit " +
          shell_word((dir / "j.xml").string()) + " --junit-surefire " + shell_word((dir / "sf").string()),
      "CONFORM_CI_TOKEN=tok-ci-777");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output.find("tok-ci-777"), std::string::npos);
  // -v: request and response of every case, the passing one too.
  EXPECT_NE(r.output.find("  > GET " + server.url() + "/v1.0/good"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  > Authorization: ***"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  < 200 OK"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  < 404 Not OK"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("itemNotFound"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  curl: curl -i "), std::string::npos) << r.output;

  json::value report = json::parse(read_file(dir / "r.json"));
  const json::object* bad = find_case(report, "things/get_bad");
  ASSERT_NE(bad, nullptr);
  ASSERT_TRUE(bad->contains("response"));
  EXPECT_EQ(bad->at("response").at("status").as_int64(), 404);
  EXPECT_NE(std::string(bad->at("response").at("body").as_string()).find("itemNotFound"), std::string::npos);
  EXPECT_FALSE(bad->at("response").at("truncated").as_bool());
  const std::string curl(bad->at("curl").as_string());
  EXPECT_NE(curl.find("-H \"Authorization: Bearer $CONFORM_CI_TOKEN\""), std::string::npos) << curl;
  const json::object* good = find_case(report, "things/get_good");
  ASSERT_NE(good, nullptr);
  EXPECT_FALSE(good->contains("response")) << "only failed and errored cases keep evidence";
  EXPECT_FALSE(good->contains("curl"));

  const std::string junit = read_file(dir / "j.xml");
  EXPECT_NE(junit.find("itemNotFound"), std::string::npos);
  EXPECT_NE(junit.find("curl: curl -i"), std::string::npos);
  EXPECT_EQ(schema_errors(schemas / "jenkins-junit-10.xsd", dir / "j.xml"), "");
  EXPECT_EQ(schema_errors(schemas / "surefire-test-report-3.0.xsd", dir / "sf" / "TEST-things.xml"), "");

  // The curl line, run by a shell with the token in the environment, gets the same answer.
  FILE* p = popen(("export CONFORM_CI_TOKEN=tok-ci-777; " + curl + " -s 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string answer_again;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) answer_again.append(buf, n);
  pclose(p);
  EXPECT_NE(answer_again.find("itemNotFound"), std::string::npos) << answer_again;
  EXPECT_EQ(server.requests("/v1.0/bad"), 2);
  fs::remove_all(dir);
}

TEST(CiEvidence, ConnectErrorNamesMethodAndUrl) {
  fs::path dir = temp_dir("connect");
  fs::path page = page_of_gets(dir, "things", {"gone"});
  std::string url;
  {
    scripted_server server([](const std::string&, int) { return answer(200, "{}"); });
    url = server.url();
  }  // stopped: nothing listens there now
  command_result r = run_conform("run " + shell_word(page.string()) + " --target " + url + " --json " +
                                 shell_word((dir / "r.json").string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("connect: GET " + url + "/v1.0/gone: "), std::string::npos) << r.output;
  json::value report = json::parse(read_file(dir / "r.json"));
  const json::object* gone = find_case(report, "things/get_gone");
  ASSERT_NE(gone, nullptr);
  EXPECT_NE(std::string(gone->at("curl").as_string()).find(url + "/v1.0/gone"), std::string::npos);
  fs::remove_all(dir);
}

// ---- Reruns ----

TEST(CiRerun, FlakyPassIsMarkedAndSurefireFilesCarryEveryRun) {
  fs::path dir = temp_dir("rerun");
  fs::path page = page_of_gets(dir, "things", {"flaky", "broken", "fine"});
  scripted_server server([](const std::string& path, int nth) {
    if (path == "/v1.0/broken") return answer(500, "{}");
    if (path == "/v1.0/flaky" && nth == 1) return answer(503, "{}");
    return answer(200, R"({"id":"x"})");
  });
  command_result r = run_conform("run " + shell_word(page.string()) + " --target " + server.url() +
                                 " --rerun-failures 2 --json " + shell_word((dir / "r.json").string()) +
                                 " --junit " + shell_word((dir / "j.xml").string()) + " --junit-surefire " +
                                 shell_word((dir / "sf").string()));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(server.requests("/v1.0/flaky"), 2);
  EXPECT_EQ(server.requests("/v1.0/broken"), 3);
  EXPECT_EQ(server.requests("/v1.0/fine"), 1);
  EXPECT_NE(r.output.find("PASS things/get_flaky"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(flaky: passed on run 2 of 2)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(failed on all 3 runs)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Flaky (passed on a rerun): 1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 passed, 1 failed, 0 errors, 0 skipped"), std::string::npos) << r.output;

  json::value report = json::parse(read_file(dir / "r.json"));
  const json::object* flaky = find_case(report, "things/get_flaky");
  ASSERT_NE(flaky, nullptr);
  EXPECT_EQ(flaky->at("outcome").as_string(), "passed");
  EXPECT_TRUE(flaky->at("flaky").as_bool());
  ASSERT_EQ(flaky->at("attempts_detail").as_array().size(), 2u);
  EXPECT_EQ(flaky->at("attempts_detail").as_array()[0].at("outcome").as_string(), "failed");
  EXPECT_EQ(flaky->at("attempts_detail").as_array()[0].at("status").as_int64(), 503);
  EXPECT_EQ(flaky->at("attempts_detail").as_array()[1].at("outcome").as_string(), "passed");
  const json::object* broken = find_case(report, "things/get_broken");
  ASSERT_NE(broken, nullptr);
  EXPECT_FALSE(broken->at("flaky").as_bool());
  EXPECT_EQ(broken->at("attempts_detail").as_array().size(), 3u);
  const json::object* fine = find_case(report, "things/get_fine");
  ASSERT_NE(fine, nullptr);
  EXPECT_FALSE(fine->contains("attempts_detail"));

  const std::string surefire = read_file(dir / "sf" / "TEST-things.xml");
  EXPECT_NE(surefire.find("<flakyFailure type=\"status\""), std::string::npos) << surefire;
  EXPECT_NE(surefire.find("<rerunFailure type=\"status\""), std::string::npos) << surefire;
  EXPECT_EQ(schema_errors(schemas / "surefire-test-report-3.0.xsd", dir / "sf" / "TEST-things.xml"), "");
  EXPECT_EQ(schema_errors(schemas / "jenkins-junit-10.xsd", dir / "j.xml"), "");
  fs::remove_all(dir);
}

TEST(CiRerun, SuiteKeyReranAndOutOfRangeIsAUsageError) {
  fs::path dir = temp_dir("rerun-suite");
  fs::path page = page_of_gets(dir, "things", {"flaky"});
  scripted_server server(
      [](const std::string&, int nth) { return answer(nth == 1 ? 500 : 200, R"({"id":"x"})"); });
  std::ofstream(dir / "s.json") << R"({"paths": ["things.md"], "rerun_failures": 1, "target": ")" +
                                       server.url() + R"("})";
  command_result r = run_conform("run --suite " + shell_word((dir / "s.json").string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(flaky: passed on run 2 of 2)"), std::string::npos) << r.output;
  command_result bad = run_conform("run " + shell_word(page.string()) + " --rerun-failures 21");
  EXPECT_EQ(bad.exit_code, 3) << bad.output;
  EXPECT_NE(bad.output.find("--rerun-failures must be between 0 and 20, got 21"), std::string::npos)
      << bad.output;
  fs::remove_all(dir);
}

// ---- Waivers ----

std::string property(const json::value& report, const std::string& name) {
  for (const auto& p : report.at("properties").as_array())
    if (p.at("name").as_string() == name) return std::string(p.at("value").as_string());
  return "";
}

TEST(CiWaivers, WaivedFailureDoesNotFailTheRunExpiredAndUnusedWaiversAreSaid) {
  fs::path dir = temp_dir("waivers");
  page_of_gets(dir, "things", {"known", "fine"});
  scripted_server server([](const std::string& path, int) {
    return path == "/v1.0/known" ? answer(500, R"({"error":"known bug"})") : answer(200, R"({"id":"x"})");
  });
  auto suite = [&](const std::string& known_until) {
    std::ofstream(dir / "s.json") << R"({"paths": ["things.md"], "target": ")" + server.url() + R"(",
      "waivers": [
        {"fixture": "things/get_known", "check": "status", "reason": "bug 42", "until": ")" +
                                         known_until + R"("},
        {"fixture": "things/get_fine", "reason": "was flaky", "until": "2000-01-01"},
        {"fixture": "nothing/*", "reason": "rotten"}]})";
  };
  suite("2999-12-31");
  command_result r =
      run_conform("run --suite " + shell_word((dir / "s.json").string()) + " --json " +
                  shell_word((dir / "r.json").string()) + " --junit " + shell_word((dir / "j.xml").string()) +
                  " --junit-surefire " + shell_word((dir / "sf").string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("WAIVED things/get_known"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  waived: bug 42 (until 2999-12-31)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 passed, 0 failed, 0 errors, 0 skipped, 1 waived"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("conform: waiver expired on 2000-01-01 and no longer applies: things/get_fine"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("conform: waiver matched no failure: nothing/*: rotten"), std::string::npos)
      << r.output;

  json::value report = json::parse(read_file(dir / "r.json"));
  const json::object* known = find_case(report, "things/get_known");
  ASSERT_NE(known, nullptr);
  EXPECT_EQ(known->at("outcome").as_string(), "waived");
  EXPECT_EQ(known->at("waiver").at("reason").as_string(), "bug 42");
  EXPECT_EQ(report.at("summary").at("waived").as_int64(), 1);
  EXPECT_NE(property(report, "waivers.expired").find("things/get_fine until 2000-01-01"), std::string::npos);
  EXPECT_NE(property(report, "waivers.unused").find("nothing/*"), std::string::npos);
  const std::string junit = read_file(dir / "j.xml");
  EXPECT_NE(junit.find(R"x(<skipped message="waived: bug 42 (until 2999-12-31)">)x"), std::string::npos)
      << junit;
  EXPECT_EQ(schema_errors(schemas / "jenkins-junit-10.xsd", dir / "j.xml"), "");
  EXPECT_EQ(schema_errors(schemas / "surefire-test-report-3.0.xsd", dir / "sf" / "TEST-things.xml"), "");

  // Once the waiver has expired the failure fails the run again, and says why.
  suite("2000-01-02");
  command_result expired = run_conform("run --suite " + shell_word((dir / "s.json").string()));
  EXPECT_EQ(expired.exit_code, 1) << expired.output;
  EXPECT_NE(expired.output.find("FAIL things/get_known"), std::string::npos) << expired.output;
  EXPECT_NE(
      expired.output.find("waiver expired on 2000-01-02 and no longer applies: things/get_known [status]"),
      std::string::npos)
      << expired.output;
  fs::remove_all(dir);
}

// ---- Diff and baseline ----

TEST(CiDiff, DiffOfTwoNightsAndARunAgainstABaseline) {
  fs::path dir = temp_dir("diff");
  fs::path page = page_of_gets(dir, "things", {"steady", "broke", "mended", "still"});
  std::atomic<int> night{1};
  scripted_server server([&](const std::string& path, int) {
    const bool second = night.load() == 2;
    const std::string ok = R"({"id":"x"})";
    if (path == "/v1.0/still") return answer(500, ok);
    if (path == "/v1.0/broke") return answer(second ? 404 : 200, ok);
    if (path == "/v1.0/mended") return answer(second ? 200 : 503, ok);
    return answer(200, ok);
  });
  const std::string run = "run " + shell_word(page.string()) + " --target " + server.url() + " --json ";
  EXPECT_EQ(run_conform(run + shell_word((dir / "old.json").string())).exit_code, 1);
  night = 2;
  EXPECT_EQ(run_conform(run + shell_word((dir / "new.json").string())).exit_code, 1);

  command_result d = run_conform("diff " + shell_word((dir / "old.json").string()) + " " +
                                 shell_word((dir / "new.json").string()) + " --json " +
                                 shell_word((dir / "diff.json").string()));
  EXPECT_EQ(d.exit_code, 1) << "a new failure: " << d.output;
  EXPECT_NE(d.output.find("New failures (1):\n  things/get_broke  passed -> failed: [status] "),
            std::string::npos)
      << d.output;
  EXPECT_NE(d.output.find("Fixed (1):\n  things/get_mended  failed -> passed"), std::string::npos)
      << d.output;
  EXPECT_NE(d.output.find("Still failing (1):\n  things/get_still"), std::string::npos) << d.output;
  EXPECT_NE(d.output.find("1 new failures, 1 fixed, 1 still failing, 0 new, 0 removed"), std::string::npos);
  json::value dj = json::parse(read_file(dir / "diff.json"));
  EXPECT_EQ(dj.at("new_failures").as_array()[0].at("id").as_string(), "things/get_broke");
  EXPECT_EQ(run_conform("diff " + shell_word((dir / "new.json").string()) + " " +
                        shell_word((dir / "new.json").string()))
                .exit_code,
            0);
  command_result unreadable = run_conform("diff " + shell_word((dir / "nope.json").string()) + " " +
                                          shell_word((dir / "new.json").string()));
  EXPECT_EQ(unreadable.exit_code, 2) << unreadable.output;
  EXPECT_NE(unreadable.output.find("nope.json: cannot read the report"), std::string::npos)
      << unreadable.output;

  // Against the first night: get_still fails in both (known), get_broke is new -> exit 1.
  command_result b = run_conform(run + shell_word((dir / "b.json").string()) + " --baseline " +
                                 shell_word((dir / "old.json").string()));
  EXPECT_EQ(b.exit_code, 1) << b.output;
  EXPECT_NE(b.output.find("1 new failures, 1 known (failing in the baseline too), 1 fixed"),
            std::string::npos)
      << b.output;
  EXPECT_NE(b.output.find("Known failures (1):\n  things/get_still  failed"), std::string::npos) << b.output;
  // Against the second night nothing is new: the failures are known and the run passes.
  command_result known = run_conform(run + shell_word((dir / "k.json").string()) + " --baseline " +
                                     shell_word((dir / "new.json").string()));
  EXPECT_EQ(known.exit_code, 0) << known.output;
  json::value kj = json::parse(read_file(dir / "k.json"));
  EXPECT_NE(property(kj, "baseline").find("0 new failures, 2 known"), std::string::npos)
      << property(kj, "baseline");
  // A baseline that cannot be read stops the run before anything is sent.
  const int before = server.requests("/v1.0/steady");
  std::ofstream(dir / "bad.json") << "{\"cases\": 3}";
  command_result bad = run_conform(run + shell_word((dir / "x.json").string()) + " --baseline " +
                                   shell_word((dir / "bad.json").string()));
  EXPECT_EQ(bad.exit_code, 3) << bad.output;
  EXPECT_NE(bad.output.find("--baseline "), std::string::npos) << bad.output;
  EXPECT_EQ(server.requests("/v1.0/steady"), before);
  fs::remove_all(dir);
}

// ---- Shards and green without testing ----

std::vector<std::string> case_ids(const fs::path& json_report) {
  std::vector<std::string> ids;
  const json::value report = json::parse(read_file(json_report));  // kept: the loop walks into it
  for (const auto& c : report.at("cases").as_array()) ids.emplace_back(c.at("id").as_string());
  return ids;
}

TEST(CiShard, ShardsSplitTheFixturesStablyAndTogetherRunThemAll) {
  fs::path dir = temp_dir("shard");
  std::vector<std::string> names;
  for (int i = 0; i < 24; ++i) names.push_back("item" + std::to_string(i));
  fs::path page = page_of_gets(dir, "items", names);
  scripted_server server([](const std::string&, int) { return answer(200, R"({"id":"x"})"); });
  const std::string run = "run " + shell_word(page.string()) + " --target " + server.url();
  std::vector<std::string> all;
  for (int k = 1; k <= 3; ++k) {
    const fs::path out = dir / ("s" + std::to_string(k) + ".json");
    command_result r =
        run_conform(run + " --shard " + std::to_string(k) + "/3 --json " + shell_word(out.string()));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::vector<std::string> ids = case_ids(out);
    EXPECT_FALSE(ids.empty()) << "shard " << k;
    all.insert(all.end(), ids.begin(), ids.end());
    EXPECT_EQ(property(json::parse(read_file(out)), "shard"), std::to_string(k) + "/3");
    // The same shard again selects the same fixtures.
    const fs::path again = dir / ("again" + std::to_string(k) + ".json");
    EXPECT_EQ(run_conform(run + " --shard " + std::to_string(k) + "/3 --json " + shell_word(again.string()))
                  .exit_code,
              0);
    EXPECT_EQ(case_ids(again), ids);
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a fixture ran in two shards";
  EXPECT_EQ(all.size(), names.size()) << "every fixture ran in one shard";
  for (int i = 0; i < 24; ++i) EXPECT_EQ(server.requests("/v1.0/item" + std::to_string(i)), 2);

  command_result bad = run_conform(run + " --shard 4/3");
  EXPECT_EQ(bad.exit_code, 3) << bad.output;
  EXPECT_NE(bad.output.find("--shard K/N needs 1 <= K <= N"), std::string::npos) << bad.output;
  fs::remove_all(dir);
}

TEST(CiGuard, FiltersThatSelectNothingFailAndTheEmbeddedServerSaysSoFirst) {
  fs::path dir = temp_dir("guard");
  fs::path page = page_of_gets(dir, "things", {"one"});
  scripted_server server([](const std::string&, int) { return answer(200, R"({"id":"x"})"); });
  command_result none = run_conform("run " + shell_word(page.string()) + " --target " + server.url() +
                                    " --filter 'nothing/*' --json " + shell_word((dir / "r.json").string()));
  EXPECT_EQ(none.exit_code, 3) << none.output;
  EXPECT_NE(none.output.find("no fixture selected: --filter/--exclude kept none of the 1 fixture(s) found"),
            std::string::npos)
      << none.output;
  EXPECT_EQ(server.requests("/v1.0/one"), 0);
  EXPECT_FALSE(fs::exists(dir / "r.json"));

  command_result embedded = run_conform("run " + shell_word(page.string()));
  EXPECT_EQ(embedded.exit_code, 0) << embedded.output;
  EXPECT_EQ(embedded.output.rfind("conform: no --target: replaying against the embedded reference server", 0),
            0u)
      << embedded.output;
  command_result real = run_conform("run " + shell_word(page.string()) + " --target " + server.url());
  EXPECT_EQ(real.output.find("embedded reference server"), std::string::npos) << real.output;
  fs::remove_all(dir);
}

// ---- Merge ----

// A report's cases without what differs between runs by nature (durations).
json::array cases_without_times(const fs::path& report) {
  json::value v = json::parse(read_file(report));
  json::array cases = v.at("cases").as_array();
  for (auto& c : cases) {
    c.as_object().erase("seconds");
    if (auto* runs = c.as_object().if_contains("attempts_detail"))
      for (auto& r : runs->as_array()) r.as_object().erase("seconds");
  }
  return cases;
}

TEST(CiMerge, MergedShardsEqualTheUnshardedRun) {
  fs::path dir = temp_dir("merge");
  for (const char* page : {"alpha", "beta", "gamma"}) {
    std::vector<std::string> names;
    for (int i = 0; i < 8; ++i) names.push_back(std::string(page) + std::to_string(i));
    page_of_gets(dir, page, names);
  }
  // Fixed answers per path: some fail, one errors (404 with a body over --max-body), the rest pass.
  scripted_server server([](const std::string& path, int) {
    if (path.find("3") != std::string::npos) return answer(500, R"({"error":"three"})");
    if (path.find("5") != std::string::npos) return answer(404, std::string(300, 'x'));
    return answer(200, R"({"id":"x"})");
  });
  const std::string run =
      "run " + shell_word(dir.string()) + " --target " + server.url() + " --max-body 200 --json ";
  EXPECT_EQ(run_conform(run + shell_word((dir / "all.json").string())).exit_code, 2);
  std::string shards;
  for (int k = 1; k <= 3; ++k) {
    const fs::path out = dir / ("shard" + std::to_string(k) + ".json");
    run_conform(run + shell_word(out.string()) + " --shard " + std::to_string(k) + "/3");
    shards += " " + shell_word(out.string());
  }
  command_result m = run_conform("merge" + shards + " --json " + shell_word((dir / "merged.json").string()) +
                                 " --junit " + shell_word((dir / "merged.xml").string()));
  EXPECT_EQ(m.exit_code, 2) << "as the unsharded run: " << m.output;
  EXPECT_NE(m.output.find("Merged 3 reports: 24 cases"), std::string::npos) << m.output;
  EXPECT_EQ(cases_without_times(dir / "merged.json"), cases_without_times(dir / "all.json"));
  json::value merged = json::parse(read_file(dir / "merged.json"));
  EXPECT_EQ(merged.at("summary"), json::parse(read_file(dir / "all.json")).at("summary"));
  EXPECT_EQ(property(merged, "merged"), "3 reports");
  EXPECT_EQ(property(merged, "shard"), "");
  EXPECT_EQ(schema_errors(schemas / "jenkins-junit-10.xsd", dir / "merged.xml"), "");

  command_result overlap = run_conform("merge" + shards + " " + shell_word((dir / "shard1.json").string()));
  EXPECT_EQ(overlap.exit_code, 3) << overlap.output;
  EXPECT_NE(overlap.output.find(" is in both "), std::string::npos) << overlap.output;
  command_result unreadable = run_conform("merge " + shell_word((dir / "none.json").string()));
  EXPECT_EQ(unreadable.exit_code, 3) << unreadable.output;
  fs::remove_all(dir);
}

// The whole Graph v1.0 corpus against `conform serve` built from it, with faults so there are failures to
// merge: four shards merged equal the unsharded run, case for case.
TEST(CiMerge, CorpusShardsMergedEqualTheUnshardedRunAgainstConformServe) {
  const fs::path corpus = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0";
  if (!fs::exists(corpus)) GTEST_SKIP() << "corpus not found at " << corpus;
  conform::test::serve_process serve({"serve", corpus.string(), "--port", "0", "--quiet", "--fault",
                                      "status@*user*", "--fault", "bad-enum@*group*"});
  ASSERT_FALSE(serve.url().empty());
  fs::path dir = temp_dir("corpus-merge");
  const std::string run = "run " + shell_word(corpus.string()) + " --target " + serve.url() +
                          " --fill-placeholders --concurrency 8 --json ";
  command_result all = run_conform(run + shell_word((dir / "all.json").string()));
  EXPECT_EQ(all.exit_code, 1) << all.output.substr(0, 2000);
  std::string shards;
  for (int k = 1; k <= 4; ++k) {
    const fs::path out = dir / ("shard" + std::to_string(k) + ".json");
    run_conform(run + shell_word(out.string()) + " --shard " + std::to_string(k) + "/4");
    shards += " " + shell_word(out.string());
  }
  command_result m = run_conform("merge" + shards + " --json " + shell_word((dir / "merged.json").string()));
  EXPECT_EQ(m.exit_code, 1) << m.output;
  // What a case found; substituted timestamps (and so bodies and curl lines) are the time of each run.
  auto verdicts = [](const fs::path& report) {
    json::array out;
    for (const auto& c : cases_without_times(report)) {
      const json::object& o = c.as_object();
      json::array checks;
      for (const auto& k : o.at("checks").as_array())
        checks.push_back({k.at("check"), k.at("outcome"), k.at("pointer")});
      out.push_back({o.at("id"), o.at("outcome"), o.at("status"), o.at("position"), std::move(checks)});
    }
    return out;
  };
  const json::array expected = verdicts(dir / "all.json");
  const json::array got = verdicts(dir / "merged.json");
  EXPECT_GE(expected.size(), 2400u);
  ASSERT_EQ(got.size(), expected.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < got.size() && differ < 5; ++i)
    if (got[i] != expected[i]) {
      ++differ;
      ADD_FAILURE() << "case " << i << ": " << json::serialize(got[i]).substr(0, 300) << "\nvs "
                    << json::serialize(expected[i]).substr(0, 300);
    }
  json::value a = json::parse(read_file(dir / "all.json"));
  EXPECT_EQ(json::parse(read_file(dir / "merged.json")).at("summary"), a.at("summary"));
  EXPECT_GT(a.at("summary").at("failed").to_number<std::size_t>(), 0u);
  fs::remove_all(dir);
}

// ---- Fail fast ----

TEST(CiFailFast, MaxFailuresStopsSendingSkipsTheRestAndStillExitsOne) {
  fs::path dir = temp_dir("failfast");
  std::vector<std::string> names;
  for (int i = 0; i < 20; ++i) names.push_back("n" + std::to_string(i));
  fs::path page = page_of_gets(dir, "many", names);
  std::atomic<int> sent{0};
  scripted_server server([&sent](const std::string&, int) {
    ++sent;
    return answer(500, R"({"error":"down"})");
  });
  command_result r =
      run_conform("run " + shell_word(page.string()) + " --target " + server.url() +
                  " --concurrency 1 --max-failures 3 --json " + shell_word((dir / "r.json").string()));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_GE(sent.load(), 3);
  EXPECT_LT(sent.load(), 20) << "sending stopped";
  json::value report = json::parse(read_file(dir / "r.json"));
  const auto& summary = report.at("summary");
  EXPECT_GE(summary.at("failed").to_number<int>(), 3);
  EXPECT_EQ(summary.at("failed").to_number<int>() + summary.at("skipped").to_number<int>(), 20);
  EXPECT_GT(summary.at("skipped").to_number<int>(), 0);
  for (const auto& c : report.at("cases").as_array()) {
    if (c.at("outcome").as_string() == "skipped") {
      EXPECT_EQ(c.at("skip_reason").as_string(), "not run: interrupted by --max-failures 3 reached");
    }
  }
  EXPECT_EQ(property(report, "max-failures"), "3");
  EXPECT_EQ(property(report, "interrupted").rfind("--max-failures 3 reached after ", 0), 0u)
      << property(report, "interrupted");
  EXPECT_NE(r.output.find("Interrupted: --max-failures 3 reached"), std::string::npos) << r.output;

  // --fail-fast is --max-failures 1; errors count as failures; exit 2 for the error as ever.
  std::atomic<int> refused{0};
  scripted_server slow([&refused](const std::string&, int) {
    ++refused;
    return answer(200, std::string(300, 'x'));
  });
  command_result f = run_conform("run " + shell_word(page.string()) + " --target " + slow.url() +
                                 " --concurrency 1 --max-body 100 --fail-fast");
  EXPECT_EQ(f.exit_code, 2) << f.output;
  EXPECT_LT(refused.load(), 20);
  EXPECT_NE(f.output.find("Interrupted: --fail-fast reached"), std::string::npos) << f.output;

  // Without the limit every case runs.
  sent = 0;
  EXPECT_EQ(run_conform("run " + shell_word(page.string()) + " --target " + server.url()).exit_code, 1);
  EXPECT_EQ(sent.load(), 20);
  EXPECT_EQ(run_conform("run " + shell_word(page.string()) + " --max-failures 0").exit_code, 3)
      << "out of range";
  fs::remove_all(dir);
}

// ---- HTML report in a real browser ----

// Debian's chromium, headless: the DOM after the page's own script ran ("" when chromium is absent).
std::string chromium_dom(const std::string& url) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) return "";
  const fs::path profile = temp_dir("chromium-profile");
  const command_result r = run_captured(
      "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync --user-data-dir=" +
      shell_word(profile.string()) + " --dump-dom " + shell_word(url) + " 2>/dev/null");
  fs::remove_all(profile);
  return r.output;
}

struct rendered_case {
  std::string id, outcome;
  bool hidden = false;
};

// The cases of a dumped report DOM: each <details class="case ..."> start tag, its data-outcome, whether the
// script hid it, and the fixture id shown in it.
std::vector<rendered_case> rendered_cases(const std::string& dom) {
  std::vector<rendered_case> out;
  for (std::size_t at = 0; (at = dom.find("<details class=\"case", at)) != std::string::npos; ++at) {
    const std::string tag = dom.substr(at, dom.find('>', at) - at);
    rendered_case c;
    const std::size_t o = tag.find("data-outcome=\"") + 14;
    c.outcome = tag.substr(o, tag.find('"', o) - o);
    c.hidden = tag.find(" hidden") != std::string::npos;
    const std::size_t id = dom.find("<span class=\"id\">", at) + 17;
    c.id = dom.substr(id, dom.find('<', id) - id);
    out.push_back(c);
  }
  return out;
}

std::string body_attribute(const std::string& dom, const std::string& name) {
  const std::size_t body = dom.find("<body");
  const std::string tag = dom.substr(body, dom.find('>', body) - body);
  const std::size_t at = tag.find(" " + name + "=\"");
  if (at == std::string::npos) return "";
  const std::size_t from = at + name.size() + 3;
  return tag.substr(from, tag.find('"', from) - from);
}

TEST(CiHtml, ReportRendersInHeadlessChromiumWithEveryFailureAndWorkingFilters) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "chromium is not installed (scripts/test installs it)";
  fs::path dir = temp_dir("html");
  fs::path page = page_of_gets(dir, "things", {"ok", "bad", "evil", "broken", "flaky"});
  std::ofstream(dir / "lists.md")
      << "# lists\n\n<!-- { \"blockType\": \"request\", \"name\": \"list_things\" } -->\n```http\n"
         "GET https://graph.microsoft.com/v1.0/things\n```\n\n<!-- { \"blockType\": \"response\" } -->\n"
         "```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"value\": [{\"id\": \"1\"}]}\n```\n";
  // A hostile server: markup and script in its bodies must stay text.
  const std::string hostile =
      R"x(<script>document.body.setAttribute('data-pwned','script')</script>)x"
      R"x(<img src=x onerror="document.body.setAttribute('data-pwned','img')"></pre><b>)x";
  scripted_server server([&](const std::string& path, int nth) {
    if (path == "/v1.0/bad") return answer(500, R"({"error":"bad"})");
    if (path == "/v1.0/evil") return answer(418, hostile);
    if (path == "/v1.0/broken") return answer(200, std::string(300, 'x'));
    if (path == "/v1.0/flaky" && nth == 1) return answer(503, "{}");
    if (path == "/v1.0/things") return answer(200, R"({"value": []})");
    return answer(200, R"({"id":"x"})");
  });
  const fs::path html = dir / "out" / "report.html";
  command_result r = run_conform("run " + shell_word(dir.string()) + " --target " + server.url() +
                                 " --max-body 200 --rerun-failures 1 --html " + shell_word(html.string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  const std::string text = read_file(html);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find("<script>document"), std::string::npos) << "server markup escaped";
  EXPECT_EQ(text.find("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"),
            text.find("http-equiv"));

  const std::string all = chromium_dom("file://" + html.string());
  ASSERT_NE(all.find("</html>"), std::string::npos) << "chromium rendered nothing";
  EXPECT_EQ(all.find("data-pwned=\""), std::string::npos) << "the server's script ran";
  EXPECT_EQ(body_attribute(all, "data-pwned"), "");
  EXPECT_EQ(all.find("<img"), std::string::npos);
  EXPECT_NE(all.find("&lt;script&gt;document.body.setAttribute"), std::string::npos) << "shown as text";
  std::vector<rendered_case> cases = rendered_cases(all);
  ASSERT_EQ(cases.size(), 6u) << all.substr(0, 3000);
  EXPECT_EQ(body_attribute(all, "data-shown"), "6");
  std::map<std::string, std::string> outcome;
  for (const rendered_case& c : cases) {
    outcome[c.id] = c.outcome;
    EXPECT_FALSE(c.hidden) << c.id;
  }
  EXPECT_EQ(outcome["things/get_bad"], "failed");
  EXPECT_EQ(outcome["things/get_evil"], "failed");
  EXPECT_EQ(outcome["things/get_broken"], "error");
  EXPECT_EQ(outcome["things/get_flaky"], "passed");
  EXPECT_EQ(outcome["things/get_ok"], "passed");
  EXPECT_EQ(outcome["lists/list_things"], "inconclusive");
  EXPECT_NE(all.find("class=\"case o-passed flaky\""), std::string::npos);
  EXPECT_NE(all.find("<span class=\"badge\">INCONCLUSIVE</span>"), std::string::npos);
  EXPECT_NE(all.find("<pre class=\"curl\">curl"), std::string::npos) << "failed cases show their curl line";

  // The outcome filter, from the URL fragment: only the failed and errored cases remain shown.
  const std::string failing = chromium_dom("file://" + html.string() + "#outcome=failing");
  EXPECT_EQ(body_attribute(failing, "data-shown"), "3");
  for (const rendered_case& c : rendered_cases(failing))
    EXPECT_EQ(c.hidden, c.outcome != "failed" && c.outcome != "error") << c.id;
  // By check (a failed status) and by page.
  EXPECT_EQ(body_attribute(chromium_dom("file://" + html.string() + "#check=status"), "data-shown"), "3")
      << "bad, evil, and flaky's first run";
  EXPECT_EQ(body_attribute(chromium_dom("file://" + html.string() + "#page=lists"), "data-shown"), "1");
  fs::remove_all(dir);
}

TEST(CiHtml, MergeWritesHtmlAndSurefireAndAPathThatIsNotAFileIsRefused) {
  fs::path dir = temp_dir("merge-html");
  fs::path page = page_of_gets(dir, "things", {"a", "b", "c", "d"});
  scripted_server server([](const std::string& path, int) {
    return path == "/v1.0/b" ? answer(500, "{}") : answer(200, R"({"id":"x"})");
  });
  std::string shards;
  for (int k = 1; k <= 2; ++k) {
    const fs::path out = dir / ("s" + std::to_string(k) + ".json");
    run_conform("run " + shell_word(page.string()) + " --target " + server.url() + " --shard " +
                std::to_string(k) + "/2 --json " + shell_word(out.string()));
    shards += " " + shell_word(out.string());
  }
  command_result m = run_conform("merge" + shards + " --html " + shell_word((dir / "m.html").string()) +
                                 " --junit-surefire " + shell_word((dir / "sf").string()));
  EXPECT_EQ(m.exit_code, 1) << m.output;
  const std::string html = read_file(dir / "m.html");
  for (const char* id : {"things/get_a", "things/get_b", "things/get_c", "things/get_d"})
    EXPECT_NE(html.find(std::string("<span class=\"id\">") + id + "</span>"), std::string::npos) << id;
  EXPECT_NE(html.find("data-outcome=\"failed\""), std::string::npos);
  EXPECT_EQ(schema_errors(schemas / "surefire-test-report-3.0.xsd", dir / "sf" / "TEST-things.xml"), "");
  EXPECT_NE(read_file(dir / "sf" / "TEST-things.xml").find("failures=\"1\""), std::string::npos);
  // A directory where the HTML file should go is a configuration error before anything is written.
  fs::create_directories(dir / "taken.html");
  command_result bad = run_conform("merge" + shards + " --html " + shell_word((dir / "taken.html").string()));
  EXPECT_EQ(bad.exit_code, 3) << bad.output;
  EXPECT_TRUE(fs::is_directory(dir / "taken.html"));
  command_result run_bad = run_conform("run " + shell_word(page.string()) + " --target " + server.url() +
                                       " --html " + shell_word((dir / "taken.html").string()));
  EXPECT_EQ(run_bad.exit_code, 3) << run_bad.output;
  fs::remove_all(dir);
}

// ---- The JSON report's schema ----

// "" when `report` is valid against docs/report.schema.json (python3-jsonschema, Draft 2020-12), else why
// not.
std::string json_schema_errors(const fs::path& report) {
  const fs::path schema = fs::path(CONFORM_SOURCE_DIR) / "docs" / "report.schema.json";
  command_result r;
  FILE* p = popen(("python3 -c 'import json,sys,jsonschema; s=json.load(open(sys.argv[1])); "
                   "jsonschema.Draft202012Validator.check_schema(s); "
                   "jsonschema.Draft202012Validator(s).validate(json.load(open(sys.argv[2])))' " +
                   shell_word(schema.string()) + " " + shell_word(report.string()) + " 2>&1")
                      .c_str(),
                  "r");
  if (p == nullptr) return "python3 could not be started";
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : r.output.substr(0, 3000);
}

TEST(CiSchema, SeedFailingAndMergedReportsValidateAgainstTheSchema) {
  if (std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs python3-jsonschema";
  fs::path dir = temp_dir("schema");
  // The seeds against the embedded reference server (passed and skipped cases).
  const fs::path root = CONFORM_SOURCE_DIR;
  command_result seeds = run_conform("run " + shell_word((root / "fixtures").string()) + " --suite " +
                                     shell_word((root / "suites" / "seeds.json").string()) + " --json " +
                                     shell_word((dir / "seeds.json").string()));
  EXPECT_EQ(seeds.exit_code, 0) << seeds.output;
  EXPECT_EQ(json_schema_errors(dir / "seeds.json"), "");
  EXPECT_EQ(json::parse(read_file(dir / "seeds.json")).at("schema_version"), 1);

  // Every outcome and its evidence: failed, error, waived, flaky, inconclusive, passed.
  page_of_gets(dir, "things", {"ok", "bad", "broken", "flaky", "known"});
  std::ofstream(dir / "lists.md")
      << "# lists\n\n<!-- { \"blockType\": \"request\", \"name\": \"list_things\" } -->\n```http\n"
         "GET https://graph.microsoft.com/v1.0/things\n```\n\n<!-- { \"blockType\": \"response\" } -->\n"
         "```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"value\": [{\"id\": \"1\"}]}\n```\n";
  std::ofstream(dir / "suite.json")
      << R"({"waivers": [{"fixture": "things/get_known", "check": "status", "reason": "bug 1", "until": "2999-01-01"}]})";
  scripted_server server([](const std::string& path, int nth) {
    if (path == "/v1.0/bad" || path == "/v1.0/known") return answer(500, R"({"error":"bad"})");
    if (path == "/v1.0/broken") return answer(200, std::string(300, 'x'));
    if (path == "/v1.0/flaky" && nth == 1) return answer(503, "{}");
    if (path == "/v1.0/things") return answer(200, R"({"value": []})");
    return answer(200, R"({"id":"x"})");
  });
  const std::string run = "run " + shell_word(dir.string()) + " --suite " +
                          shell_word((dir / "suite.json").string()) + " --target " + server.url() +
                          " --max-body 200 --rerun-failures 1 --json ";
  EXPECT_EQ(run_conform(run + shell_word((dir / "all.json").string())).exit_code, 2);
  EXPECT_EQ(json_schema_errors(dir / "all.json"), "");
  const auto summary = json::parse(read_file(dir / "all.json")).at("summary");
  for (const char* outcome : {"passed", "failed", "errors", "waived", "inconclusive"})
    EXPECT_GE(summary.at(outcome).to_number<int>(), 1) << outcome << " " << json::serialize(summary);

  // Shards merged.
  std::string shards;
  for (int k = 1; k <= 2; ++k) {
    const fs::path out = dir / ("s" + std::to_string(k) + ".json");
    run_conform(run + shell_word(out.string()) + " --shard " + std::to_string(k) + "/2");
    shards += " " + shell_word(out.string());
  }
  EXPECT_EQ(run_conform("merge" + shards + " --json " + shell_word((dir / "merged.json").string())).exit_code,
            2);
  EXPECT_EQ(json_schema_errors(dir / "merged.json"), "");

  // The schema is not lenient: an unknown outcome, or an error case without its error, fails it.
  std::string text = read_file(dir / "all.json");
  std::string bogus = text;
  bogus.replace(bogus.find("\"outcome\":\"failed\""), 18, "\"outcome\":\"bogus\"");
  std::ofstream(dir / "bogus.json") << bogus;
  EXPECT_NE(json_schema_errors(dir / "bogus.json"), "");
  std::string no_version = text;
  no_version.replace(no_version.find("\"schema_version\":1,"), 19, "");
  std::ofstream(dir / "noversion.json") << no_version;
  EXPECT_NE(json_schema_errors(dir / "noversion.json"), "");
  fs::remove_all(dir);
}

// ---- Console colour ----

TEST(CiConsole, ColourOnlyOnATerminalOrWhenAskedAndNeverWithNoColorInAuto) {
  fs::path dir = temp_dir("colour");
  fs::path page = page_of_gets(dir, "things", {"ok", "bad"});
  scripted_server server([](const std::string& path, int) {
    return path == "/v1.0/bad" ? answer(500, "{}") : answer(200, R"({"id":"x"})");
  });
  const std::string run = "run " + shell_word(page.string()) + " --target " + server.url();
  command_result piped = run_conform(run);
  EXPECT_EQ(piped.exit_code, 1);
  EXPECT_EQ(piped.output.find('\x1b'), std::string::npos) << "piped: no escapes";
  EXPECT_NE(piped.output.find("FAIL things/get_bad"), std::string::npos) << piped.output;
  command_result always = run_conform(run + " --color always", "NO_COLOR=1");
  EXPECT_NE(always.output.find("\x1b[1;31mFAIL\x1b[0m things/get_bad"), std::string::npos) << always.output;
  EXPECT_NE(always.output.find("\x1b[32mPASS\x1b[0m things/get_ok"), std::string::npos) << always.output;
  // A terminal (script(1) gives the run one) gets colour and the live line's times, unless NO_COLOR.
  if (std::system("command -v script >/dev/null 2>&1") == 0) {
    const std::string bin = conform_bin;
    const std::string tty =
        run_captured("script -q -e -c " + shell_word(shell_word(bin) + " " + run) + " /dev/null 2>&1").output;
    EXPECT_NE(tty.find("\x1b[1;31mFAIL"), std::string::npos) << tty;
    EXPECT_NE(tty.find(" elapsed"), std::string::npos) << tty;
    const std::string plain_tty = run_captured("NO_COLOR=1 script -q -e -c " +
                                               shell_word(shell_word(bin) + " " + run) + " /dev/null 2>&1")
                                      .output;
    EXPECT_EQ(plain_tty.find("\x1b[1;31m"), std::string::npos) << plain_tty;
    EXPECT_NE(plain_tty.find("FAIL things/get_bad"), std::string::npos) << plain_tty;
  }
  EXPECT_EQ(run_conform(run + " --color sometimes").exit_code, 3);
  fs::remove_all(dir);
}

// ---- Ids across doc trees ----

TEST(CiIds, TwoTreesWithTheSamePageNamesGiveUniqueStableIdsAndOneTreeKeepsItsOwn) {
  fs::path dir = temp_dir("trees");
  fs::create_directories(dir / "v1.0" / "api");
  fs::create_directories(dir / "beta" / "api");
  page_of_gets(dir / "v1.0" / "api", "user-get", {"user", "me"});
  page_of_gets(dir / "beta" / "api", "user-get", {"user", "manager"});
  scripted_server server([](const std::string&, int) { return answer(200, R"({"id":"x"})"); });
  const std::string target = " --target " + server.url();
  EXPECT_EQ(run_conform("run " + shell_word((dir / "v1.0").string()) + target + " --json " +
                        shell_word((dir / "one.json").string()))
                .exit_code,
            0);
  EXPECT_EQ(case_ids(dir / "one.json"), (std::vector<std::string>{"user-get/get_user", "user-get/get_me"}))
      << "one tree: today's ids";
  const std::string both =
      "run " + shell_word((dir / "v1.0").string()) + " " + shell_word((dir / "beta").string()) + target;
  command_result r = run_conform(both + " --json " + shell_word((dir / "both.json").string()) +
                                 " --junit-surefire " + shell_word((dir / "sf").string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::vector<std::string> expected{"v1.0/user-get/get_user", "v1.0/user-get/get_me",
                                          "beta/user-get/get_user", "beta/user-get/get_manager"};
  EXPECT_EQ(case_ids(dir / "both.json"), expected);
  // The same trees the other way round, and again: the same ids.
  run_conform("run " + shell_word((dir / "beta").string()) + " " + shell_word((dir / "v1.0").string()) +
              target + " --json " + shell_word((dir / "again.json").string()));
  std::vector<std::string> again = case_ids(dir / "again.json");
  std::sort(again.begin(), again.end());
  std::vector<std::string> sorted = expected;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(again, sorted);
  // One Surefire file per tree's page, and filters see the new ids.
  EXPECT_TRUE(fs::exists(dir / "sf" / "TEST-v1.0_user-get.xml"));
  EXPECT_TRUE(fs::exists(dir / "sf" / "TEST-beta_user-get.xml"));
  EXPECT_EQ(
      run_conform(both + " --filter 'beta/*' --json " + shell_word((dir / "beta.json").string())).exit_code,
      0);
  EXPECT_EQ(case_ids(dir / "beta.json"),
            (std::vector<std::string>{"beta/user-get/get_user", "beta/user-get/get_manager"}));
  fs::remove_all(dir);
}

}  // namespace
