// --default-version and suite "hosts" end to end: `conform run` against `conform serve` on loopback.
#include "conform_process.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace conform::test {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("conform-versions-cli-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string exchange(const std::string& name, const std::string& method, const std::string& url) {
  return "<!-- { \"blockType\": \"request\", \"name\": \"" + name + "\" } -->\n```http\n" + method + " " +
         url +
         "\n```\n\n<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\n"
         "Content-Type: application/json\n\n{\"id\": \"x\"}\n```\n\n";
}

// The run's exit code and its JSON report's cases ({id, outcome, skip reason}).
struct run_outcome {
  int exit_code = -1;
  std::vector<std::tuple<std::string, std::string, std::string>> cases;
};

run_outcome run(std::vector<std::string> args, const fs::path& json) {
  args.insert(args.begin(), "run");
  args.push_back("--json");
  args.push_back(json.string());
  conform_process p(args);
  run_outcome out;
  out.exit_code = p.wait();
  std::ifstream in(json);
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) return out;
  const boost::json::value report = boost::json::parse(text.str());
  for (const auto& c : report.at("cases").as_array()) {
    const auto& o = c.as_object();
    const auto* skip = o.if_contains("skip_reason");
    out.cases.emplace_back(std::string(o.at("id").as_string()), std::string(o.at("outcome").as_string()),
                           skip != nullptr && skip->is_string() ? std::string(skip->as_string()) : "");
  }
  return out;
}

TEST(CliVersions, DefaultVersionDecidesWhereRelativeUrlsGo) {
  const fs::path dir = temp_dir("default");
  const fs::path page = dir / "me-get.md";
  std::ofstream(page) << "# Get me\n\n" << exchange("get_me", "GET", "/me");
  // Served as beta: /beta/me is documented, /v1.0/me is not.
  serve_process server({"serve", page.string(), "--port", "0", "-q", "--default-version", "beta"});
  const std::string& url = server.url();
  ASSERT_FALSE(url.empty());

  run_outcome beta = run({page.string(), "--target", url, "--default-version", "beta"}, dir / "beta.json");
  EXPECT_EQ(beta.exit_code, 0);
  ASSERT_EQ(beta.cases.size(), 1u);
  EXPECT_EQ(std::get<1>(beta.cases[0]), "passed");

  run_outcome v1 = run({page.string(), "--target", url}, dir / "v1.json");
  EXPECT_EQ(v1.exit_code, 1);  // /v1.0/me: 404 where 200 is documented

  std::ofstream(dir / "suite.json") << R"({"default_version": "beta"})";
  run_outcome suite = run({page.string(), "--target", url, "--suite", (dir / "suite.json").string()},
                          dir / "suite-report.json");
  EXPECT_EQ(suite.exit_code, 0);

  conform_process bad({"run", page.string(), "--default-version", "v1.0/x"});
  EXPECT_EQ(bad.wait(), 3);
  conform_process lint({"lint", page.string(), "--default-version", "beta"});
  EXPECT_EQ(lint.wait(), 0);
  EXPECT_EQ(server.stop(), 0);
  fs::remove_all(dir);
}

TEST(CliVersions, OtherHostsAreSkippedUnlessTheSuiteMapsThem) {
  const fs::path dir = temp_dir("hosts");
  const fs::path page = dir / "calls.md";
  std::ofstream(page) << "# Calls\n\n"
                      << exchange("get_me", "GET", "https://graph.microsoft.com/v1.0/me")
                      << exchange("callback", "GET", "https://partner.example/api/callback");
  serve_process server({"serve", page.string(), "--port", "0", "-q"});
  const std::string& url = server.url();
  ASSERT_FALSE(url.empty());

  run_outcome unmapped = run({page.string(), "--target", url}, dir / "unmapped.json");
  EXPECT_EQ(unmapped.exit_code, 0);
  ASSERT_EQ(unmapped.cases.size(), 2u);
  EXPECT_EQ(std::get<1>(unmapped.cases[0]), "passed");
  EXPECT_EQ(std::get<1>(unmapped.cases[1]), "skipped");
  EXPECT_EQ(
      std::get<2>(unmapped.cases[1]),
      "documented URL is on host partner.example, not the API host; map it with suite \"hosts\" to run it");

  std::ofstream(dir / "suite.json") << R"({"hosts": {"partner.example": ")" << url << R"("}})";
  run_outcome mapped =
      run({page.string(), "--target", url, "--suite", (dir / "suite.json").string()}, dir / "mapped.json");
  EXPECT_EQ(mapped.exit_code, 0);
  ASSERT_EQ(mapped.cases.size(), 2u);
  EXPECT_EQ(std::get<1>(mapped.cases[1]), "passed");
  EXPECT_EQ(server.stop(), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace conform::test
