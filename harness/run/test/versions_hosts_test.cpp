// Versions and hosts of documented URLs (issue 11): relative URLs take their page's version (folder, absolute
// URLs, --default-version); URLs on hosts other than the API's are skipped unless suite "hosts" maps them.
#include "extract/extract.hpp"
#include "run/run.hpp"
#include "transport/server.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace conform::run {
namespace {

namespace fs = std::filesystem;

// A directory of pages for one test, removed after it.
struct page_tree {
  fs::path root;
  page_tree() {
    root = fs::temp_directory_path() / ("conform-versions-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
  }
  ~page_tree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  std::string write(const std::string& rel, const std::string& text) const {
    fs::path p = root / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

// One page: each URL a documented request answered 200 with an empty object.
std::string page(std::initializer_list<std::string> urls) {
  std::string out = "# page\n\n";
  int n = 0;
  for (const std::string& u : urls) {
    ++n;
    out += "### Request\n\n<!-- {\"blockType\": \"request\", \"name\": \"r" + std::to_string(n) +
           "\"} -->\n```http\nGET " + u +
           "\n```\n\n### Response\n\n<!-- {\"blockType\": \"response\"} -->\n"
           "```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"id\": \"x\"}\n```\n\n";
  }
  return out;
}

fixture_set extract_pages(const std::vector<std::string>& files, const extract::options& eo = {}) {
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths(files, set, missing, eo);
  EXPECT_TRUE(missing.empty());
  return set;
}

std::string url_of(const fixture_set& set, std::string_view request_url, const options& o,
                   std::string_view base = "http://h:1") {
  for (const fixture& f : set.fixtures)
    if (f.request.url == request_url) return prepare_request(f, set, o, base).url;
  ADD_FAILURE() << "no fixture for " << request_url;
  return {};
}

TEST(PageVersion, ABetaFolderSendsRelativeUrlsToBeta) {
  page_tree t;
  const std::string beta = t.write("api-reference/beta/api/user-get.md", page({"/users/{id}"}));
  const std::string v1 = t.write("api-reference/v1.0/api/user-get.md", page({"/users/{id}"}));
  options o;
  o.variables["id"] = "42";
  EXPECT_EQ(url_of(extract_pages({beta}), "/users/{id}", o), "http://h:1/beta/users/42");
  EXPECT_EQ(url_of(extract_pages({v1}), "/users/{id}", o), "http://h:1/v1.0/users/42");
  // The folder is the page's version even where --default-version says another.
  extract::options eo;
  eo.default_version = "v1.0";
  EXPECT_EQ(url_of(extract_pages({beta}, eo), "/users/{id}", o), "http://h:1/beta/users/42");
}

TEST(PageVersion, RelativeUrlsTakeTheVersionOfThePagesAbsoluteUrls) {
  page_tree t;
  const std::string p =
      t.write("docs/user-get.md", page({"/me", "https://graph.microsoft.com/beta/me/photo"}));
  const fixture_set set = extract_pages({p});
  EXPECT_EQ(url_of(set, "/me", options{}), "http://h:1/beta/me");
  EXPECT_EQ(url_of(set, "https://graph.microsoft.com/beta/me/photo", options{}), "http://h:1/beta/me/photo");
}

TEST(PageVersion, DefaultVersionWhenNothingElseSays) {
  page_tree t;
  const std::string p = t.write("docs/user-get.md", page({"/me"}));
  EXPECT_EQ(url_of(extract_pages({p}), "/me", options{}), "http://h:1/v1.0/me");
  extract::options eo;
  eo.default_version = "beta";
  EXPECT_EQ(url_of(extract_pages({p}, eo), "/me", options{}), "http://h:1/beta/me");
  // A fixture built without extraction (no version) takes the run's default.
  fixture f;
  f.id = "x/y";
  f.request.method = "GET";
  f.request.url = "/me";
  options o;
  o.default_version = "beta";
  EXPECT_EQ(prepare_request(f, fixture_set{}, o, "http://h:1").url, "http://h:1/beta/me");
}

TEST(PageVersion, ATargetNamingTheVersionIsNotDoubled) {
  page_tree t;
  const std::string p =
      t.write("v1.0/api/user-get.md", page({"/users/{id}", "https://graph.microsoft.com/v1.0/me"}));
  const fixture_set set = extract_pages({p});
  options o;
  o.variables["id"] = "42";
  EXPECT_EQ(url_of(set, "/users/{id}", o, "https://host/v1.0"), "https://host/v1.0/users/42");
  EXPECT_EQ(url_of(set, "https://graph.microsoft.com/v1.0/me", o, "https://host/v1.0/"),
            "https://host/v1.0/me");
}

TEST(Hosts, TheApiHostsAndTheirNationalClouds) {
  for (const char* h :
       {"graph.microsoft.com", "GRAPH.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us",
        "microsoftgraph.chinacloudapi.cn", "graph.microsoft.com:443"})
    EXPECT_TRUE(is_api_host(h)) << h;
  for (const char* h :
       {"graph", "bot.contoso.com", "sn3302.up.1drv.com", "graph.microsoft.com.evil.test", ""})
    EXPECT_FALSE(is_api_host(h)) << h;
  EXPECT_EQ(documented_host("https://Bot.Contoso.com/api/calls"), "bot.contoso.com");
  EXPECT_EQ(documented_host("https://user:pw@uploads.test:8443/x?y"), "uploads.test:8443");
  EXPECT_EQ(documented_host("https://graph/microsoft.com/v1.0/me"), "graph");
  EXPECT_EQ(documented_host("graph.microsoft.com/v1.0/me"), "graph.microsoft.com");
  EXPECT_EQ(documented_host("/users/a@contoso.com"), "");
  EXPECT_EQ(documented_host("v1.0/me"), "");
}

fixture on_url(std::string url) {
  fixture f;
  f.id = "page/" + url;
  f.page = "page";
  f.version = "v1.0";
  f.request.method = "POST";
  f.request.url = std::move(url);
  f.response.status = 200;
  return f;
}

TEST(Hosts, OtherHostsAreSkippedWithTheReasonUnlessMapped) {
  options o;
  EXPECT_EQ(
      foreign_host_skip(on_url("https://bot.contoso.com/api/calls"), o),
      "documented URL is on host bot.contoso.com, not the API host; map it with suite \"hosts\" to run it");
  EXPECT_EQ(foreign_host_skip(on_url("https://graph/microsoft.com/v1.0/me"), o),
            "documented URL is on host graph, not the API host; map it with suite \"hosts\" to run it");
  for (const char* api : {"https://graph.microsoft.com/v1.0/me", "https://graph.microsoft.us/v1.0/me",
                          "https://dod-graph.microsoft.us/v1.0/me",
                          "https://microsoftgraph.chinacloudapi.cn/v1.0/me", "/me", "me"})
    EXPECT_EQ(foreign_host_skip(on_url(api), o), "") << api;
  o.hosts["bot.contoso.com"] = "http://127.0.0.1:9/bot";
  EXPECT_EQ(foreign_host_skip(on_url("https://BOT.contoso.com/api/calls"), o), "");
  EXPECT_EQ(
      prepare_request(on_url("https://bot.contoso.com/api/calls?x=1"), fixture_set{}, o, "http://target:1")
          .url,
      "http://127.0.0.1:9/bot/api/calls?x=1");
  // The API's own URLs still go to the target.
  EXPECT_EQ(
      prepare_request(on_url("https://graph.microsoft.com/v1.0/me"), fixture_set{}, o, "http://target:1").url,
      "http://target:1/v1.0/me");
}

TEST(Hosts, ARunSkipsAForeignHostAndRunsItWhenMapped) {
  fixture_set set;
  set.fixtures.push_back(on_url("https://bot.contoso.com/api/calls"));
  set.fixtures.push_back(on_url("https://graph.microsoft.com/v1.0/me"));
  std::atomic<int> bot{0}, api{0};
  auto start = [](std::atomic<int>& hits) {
    transport::server_options so;
    so.host = "127.0.0.1";
    auto s = std::make_unique<transport::http_server>(so, [&hits](const http_request&) {
      ++hits;
      transport::server_reply r;
      r.response.status = 200;
      r.response.reason = "OK";
      return r;
    });
    std::error_code ec;
    s->start(ec);
    EXPECT_FALSE(ec) << ec.message();
    return s;
  };
  auto bot_server = start(bot);
  auto api_server = start(api);
  options o;
  o.target = "http://127.0.0.1:" + std::to_string(api_server->port());
  run_result r = run_fixtures(set, o);
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_EQ(r.cases[0].outcome, verdict::skipped);
  EXPECT_EQ(
      r.cases[0].skip_reason,
      "documented URL is on host bot.contoso.com, not the API host; map it with suite \"hosts\" to run it");
  EXPECT_EQ(r.cases[1].outcome, verdict::passed) << r.cases[1].error_message;
  EXPECT_EQ(bot.load(), 0);
  EXPECT_EQ(api.load(), 1);

  o.hosts["bot.contoso.com"] = "http://127.0.0.1:" + std::to_string(bot_server->port());
  r = run_fixtures(set, o);
  EXPECT_EQ(r.cases[0].outcome, verdict::passed) << r.cases[0].error_message << r.cases[0].skip_reason;
  EXPECT_EQ(r.cases[0].url, o.hosts["bot.contoso.com"] + "/api/calls");
  EXPECT_EQ(bot.load(), 1);
  EXPECT_EQ(api.load(), 2);
}

TEST(Suite, ReadsDefaultVersionAndHosts) {
  suite s =
      parse_suite(R"({"default_version": "beta", "hosts": {"Bot.Contoso.com": "https://where/x"}})", ".");
  EXPECT_EQ(s.default_version, "beta");
  ASSERT_EQ(s.hosts.size(), 1u);
  EXPECT_EQ(s.hosts.at("bot.contoso.com"), "https://where/x");
  EXPECT_THROW(parse_suite(R"({"default_version": "v1.0/x"})", "."), std::invalid_argument);
  EXPECT_THROW(parse_suite(R"({"default_version": ""})", "."), std::invalid_argument);
  EXPECT_THROW(parse_suite(R"({"hosts": {"a.test": "ftp://x"}})", "."), std::invalid_argument);
  EXPECT_THROW(parse_suite(R"({"hosts": ["a.test"]})", "."), std::invalid_argument);
}

}  // namespace
}  // namespace conform::run
