// `conform run --plan` through the built binary on real Graph pages: the plan is golden-tested (order, where
// each id comes from, what is not sent), its JSON form parses and agrees, nothing is sent; a run with writes
// against a target that is not loopback says how many before it starts.
#include "conform_process.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using conform::test::read_file;
using conform::test::run_conform;
using conform::test::shell_word;

const fs::path api = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0" / "api";
const fs::path approved_dir = fs::path(CONFORM_SOURCE_DIR) / "harness" / "cli" / "test" / "data" / "plan";

std::string pages(const std::vector<std::string>& names) {
  std::string args;
  for (const std::string& n : names) args += " " + shell_word((api / n).string());
  return args;
}

// Compares with data/plan/NAME.approved.txt; on a difference the output is left in NAME.received.txt beside
// it.
void expect_approved(const std::string& name, const std::string& output) {
  const fs::path approved = approved_dir / (name + ".approved.txt");
  const fs::path received = approved_dir / (name + ".received.txt");
  const std::string want = fs::exists(approved) ? read_file(approved) : std::string();
  if (output == want) {
    fs::remove(received);
    return;
  }
  std::ofstream(received, std::ios::binary) << output;
  ADD_FAILURE() << "plan differs from " << approved << "; received in " << received;
}

const std::vector<std::string> groups = {"group-delete.md",       "group-update.md",       "group-get.md",
                                         "group-list-members.md", "group-post-members.md", "group-list.md",
                                         "group-post-groups.md"};
const std::vector<std::string> applications = {"application-delete.md",
                                               "application-get.md",
                                               "application-update.md",
                                               "application-list.md",
                                               "application-post-applications.md",
                                               "application-addpassword.md"};

TEST(PlanCli, GroupPagesGolden) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus";
  const auto r = run_conform("run --plan" + pages(groups), "", false);
  EXPECT_EQ(r.exit_code, 0);
  expect_approved("groups", r.output);
}

TEST(PlanCli, ApplicationPagesGolden) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus";
  const auto r = run_conform("run --plan" + pages(applications), "", false);
  EXPECT_EQ(r.exit_code, 0);
  expect_approved("applications", r.output);
}

TEST(PlanCli, ReadOnlyPlanDiscoversAndSaysWhatIsNotSent) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus";
  const auto r = run_conform("run --plan --read-only" + pages(groups), "", false);
  EXPECT_EQ(r.exit_code, 0);
  expect_approved("groups-read-only", r.output);
}

TEST(PlanCli, JsonPlanAgreesWithTheTextAndNothingIsSent) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus";
  const fs::path out = fs::temp_directory_path() / ("conform-plan-" + std::to_string(getpid()) + ".json");
  // A target nobody listens on: --plan must not connect (a run would error on every case).
  const auto r = run_conform("run --plan --target http://127.0.0.1:9 --json " + shell_word(out.string()) +
                             pages(groups));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("Ran "), std::string::npos) << r.output;
  const json::value plan = json::parse(read_file(out));
  fs::remove(out);
  const json::array& steps = plan.at("steps").as_array();
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.front().at("role").as_string(), "create");
  EXPECT_EQ(steps.back().at("role").as_string(), "delete");
  bool captured = false;
  for (const json::value& s : steps)
    for (const json::value& b : s.at("bindings").as_array())
      if (b.at("from").as_string() == "capture" &&
          b.at("producer").as_string() == "group-post-groups/create_group" &&
          b.at("pointer").as_string() == "/id")
        captured = true;
  EXPECT_TRUE(captured);
  EXPECT_GE(plan.at("writes").at("POST").as_int64(), 3);
  EXPECT_EQ(plan.at("writes").at("DELETE").as_int64(), 1);
}

TEST(PlanCli, PlanFetchesNoToken) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus";
  // Nothing listens on port 9: a token request would fail the command (exit 3).
  const auto r = run_conform(
      "run --plan --oauth2-token-url http://127.0.0.1:9/token --client-id app "
      "--client-secret-env CONFORM_PLAN_SECRET" +
          pages(groups),
      "CONFORM_PLAN_SECRET=s3cret");
  EXPECT_EQ(r.exit_code, 0) << r.output.substr(0, 2000);
  EXPECT_NE(r.output.find("1. POST"), std::string::npos);
}

TEST(PlanCli, WritesToATargetOffThisMachineAreCountedBeforeTheRun) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus";
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): nothing answers; the warning comes before any connect.
  const auto r = run_conform(
      "run --target http://192.0.2.1:9 --connect-timeout 200 --filter 'group-post-groups/*'" + pages(groups));
  EXPECT_NE(r.output.find("conform: this run sends 3 write requests (3 POST) to http://192.0.2.1:9"),
            std::string::npos)
      << r.output;
  const auto loop = run_conform(
      "run --target http://127.0.0.1:9 --connect-timeout 200 --filter 'group-post-groups/*'" + pages(groups));
  EXPECT_EQ(loop.output.find("write request"), std::string::npos) << loop.output;
}

// Issue 11's done-when, on the families that pass today: every create/get/update/list/delete page of groups,
// applications, devices and domains (one '-' in the page name), run with no variables against
// `conform serve --stateful` built from the same pages: nothing fails, ids exist, nothing is left behind.
TEST(PlanCli, ResourceFamiliesRunAgainstAStatefulServerAndLeaveNothingBehind) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus";
  std::vector<std::string> args = {"serve", "--port", "0", "--quiet", "--stateful"};
  std::string pages_args;
  std::size_t page_count = 0;
  for (const auto& e : fs::directory_iterator(api)) {
    const std::string stem = e.path().stem().string();
    for (const char* family : {"group-", "application-", "device-", "domain-", "user-", "serviceprincipal-"})
      if (stem.rfind(family, 0) == 0 &&
          (std::count(stem.begin(), stem.end(), '-') == 1 || stem.find("-post-") != std::string::npos)) {
        args.push_back(e.path().string());
        pages_args += " " + shell_word(e.path().string());
        ++page_count;
      }
  }
  ASSERT_GE(page_count, 20u);
  conform::test::serve_process server(args);
  const std::string url = server.url();
  ASSERT_FALSE(url.empty());
  const fs::path out = fs::temp_directory_path() / ("conform-families-" + std::to_string(getpid()) + ".json");
  // No variables, nothing generated: every key comes from what the run made or found.
  const auto r = run_conform("run --target " + url + " --json " + shell_word(out.string()) + pages_args);
  const json::value report = json::parse(read_file(out));
  fs::remove(out);
  std::size_t passed = 0;
  for (const json::value& c : report.at("cases").as_array()) {
    const std::string outcome(c.at("outcome").as_string());
    passed += outcome == "passed";
    EXPECT_TRUE(outcome == "passed" || outcome == "skipped" || outcome == "inconclusive")
        << c.at("id").as_string() << " " << outcome << " " << json::serialize(c.at("checks"));
  }
  EXPECT_GE(passed, 150u);
  // Every family's create made something, and nothing is left: what a documented delete did not remove, the
  // cleanup did (or it went with its parent).
  const json::array& created = report.at("created").as_array();
  for (const char* family :
       {"group-post-groups/", "application-post-applications/", "device-post-devices/",
        "domain-post-domains/", "user-post-users/", "serviceprincipal-post-serviceprincipals/"})
    EXPECT_TRUE(std::any_of(created.begin(), created.end(), [&](const json::value& c) {
      return c.at("fixture").as_string().starts_with(family);
    })) << family;
  for (const json::value& c : created) EXPECT_FALSE(c.at("left_behind").as_bool()) << json::serialize(c);
  EXPECT_EQ(r.exit_code, 0) << r.output.substr(0, 3000);
}

// Two documented deletes of one thread (conversationthread-delete, group-delete-thread) and one create: the
// second delete sends the create again and deletes its own thread, so both pass against a stateful server,
// and both threads are accounted for.
TEST(PlanCli, EachDeleteDeletesItsOwnItem) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus";
  const std::vector<std::string> names = {"group-post-groups.md", "group-post-threads.md",
                                          "conversationthread-delete.md", "group-delete-thread.md"};
  std::vector<std::string> args = {"serve", "--port", "0", "--quiet", "--stateful"};
  for (const std::string& n : names) args.push_back((api / n).string());
  conform::test::serve_process server(args);
  const std::string url = server.url();
  ASSERT_FALSE(url.empty());
  const auto plan = run_conform("run --plan --target " + url + pages(names));
  EXPECT_NE(plan.output.find("sent again (another delete takes its first item)"), std::string::npos)
      << plan.output;
  const fs::path out = fs::temp_directory_path() / ("conform-fresh-" + std::to_string(getpid()) + ".json");
  const auto r = run_conform("run --target " + url + " --json " + shell_word(out.string()) + pages(names));
  const json::value report = json::parse(read_file(out));
  fs::remove(out);
  for (const json::value& c : report.at("cases").as_array())
    EXPECT_EQ(c.at("outcome").as_string(), "passed") << json::serialize(c);
  std::vector<std::string> thread_fates;
  for (const json::value& c : report.at("created").as_array())
    if (c.at("fixture").as_string().starts_with("group-post-threads/"))
      thread_fates.emplace_back(c.at("fate").as_string());
  std::sort(thread_fates.begin(), thread_fates.end());
  EXPECT_EQ(thread_fates,
            (std::vector<std::string>{"deleted by conversationthread-delete/delete_conversationthread",
                                      "deleted by group-delete-thread/delete_group_thread"}));
  EXPECT_EQ(r.exit_code, 0) << r.output.substr(0, 3000);
}

// Nothing deletes what the run makes: the cleanup does, side by side, but a thread before the group it is in
// (deleted after its group it would be "already gone (404)": the server removes what is under a deleted
// item).
TEST(PlanCli, CleanupDeletesWhatIsUnderAnItemBeforeTheItem) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus";
  const std::vector<std::string> names = {"group-post-groups.md", "group-post-threads.md"};
  std::vector<std::string> args = {"serve", "--port", "0", "--quiet", "--stateful"};
  for (const std::string& n : names) args.push_back((api / n).string());
  conform::test::serve_process server(args);
  const std::string url = server.url();
  ASSERT_FALSE(url.empty());
  const fs::path out = fs::temp_directory_path() / ("conform-cleanup-" + std::to_string(getpid()) + ".json");
  const auto r = run_conform("run --target " + url + " --json " + shell_word(out.string()) + pages(names));
  const json::value report = json::parse(read_file(out));
  fs::remove(out);
  const json::array& created = report.at("created").as_array();
  ASSERT_EQ(created.size(), 4u) << json::serialize(created);  // three groups, a thread in one of them
  for (const json::value& c : created)
    EXPECT_EQ(c.at("fate").as_string(), "cleaned up (204)") << json::serialize(c);
  EXPECT_EQ(r.exit_code, 0) << r.output.substr(0, 3000);
}

}  // namespace
