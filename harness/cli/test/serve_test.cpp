// `conform serve` as a script uses it: the port line read, stdout then never read again.
#include "conform_process.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace conform::test {
namespace {

// One keep-alive connection sending GETs one after another; how many got a whole response (a receive that
// waits 5 s ends the count, so a frozen server fails the test instead of hanging it).
int answered(int port, int requests) {
  const int fd = loopback_connect(port);
  if (fd < 0) return 0;
  const std::string req = "GET /v1.0/nothing/documented/here HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string buf;
  int done = 0;
  for (; done < requests; ++done) {
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) break;
    bool whole = false;
    while (!whole) {
      if (auto end = buf.find("\r\n\r\n"); end != std::string::npos) {
        auto cl = buf.find("Content-Length: ");
        std::size_t length =
            cl != std::string::npos && cl < end ? std::strtoul(buf.c_str() + cl + 16, nullptr, 10) : 0;
        if (buf.size() >= end + 4 + length) {
          buf.erase(0, end + 4 + length);
          whole = true;
          continue;
        }
      }
      char chunk[8192];
      ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    if (!whole) break;
  }
  close(fd);
  return done;
}

TEST(CliServe, AnUnreadStdoutNeverFreezesServing) {
  serve_process server({"serve", source_dir + "/fixtures", "--port", "0"});
  const int port = server.port();
  ASSERT_GT(port, 0);
  // A pipe holds 64 KB: without a bounded log that never blocks, ~700 exchange lines freeze the server.
  constexpr int requests = 5000;
  EXPECT_EQ(answered(port, requests), requests);
  EXPECT_EQ(server.stop(), 0);
}

TEST(CliServe, StatefulKeepsWhatIsCreatedOnLoopback) {
  const std::filesystem::path corpus =
      std::filesystem::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0";
  if (!std::filesystem::exists(corpus / "api" / "group-get.md")) GTEST_SKIP() << "no corpus at " << corpus;
  std::vector<std::string> args{"serve", "--stateful", "--port", "0", "-q", "--threads", "2"};
  for (const char* page : {"api/group-post-groups.md", "api/group-get.md", "api/group-update.md",
                           "api/group-delete.md", "api/group-list.md", "resources/group.md"})
    args.push_back((corpus / page).string());
  serve_process server(args);
  const int port = server.port();
  ASSERT_GT(port, 0);

  auto [created, created_body] = http_exchange(port, "POST", "/v1.0/groups",
                                               R"({"displayName": "Library Assist", "mailEnabled": true,
                                              "mailNickname": "library", "securityEnabled": false,
                                              "groupTypes": ["Unified"], "description": "library"})");
  ASSERT_EQ(created, 201) << created_body;
  const std::string id(boost::json::parse(created_body).at("id").as_string());
  const std::string item = "/v1.0/groups/" + id;

  auto [got, got_body] = http_exchange(port, "GET", item);
  ASSERT_EQ(got, 200) << got_body;
  EXPECT_EQ(boost::json::parse(got_body).at("displayName"), "Library Assist");
  EXPECT_EQ(http_exchange(port, "PATCH", item, R"({"displayName": "Patched"})").status, 204);
  EXPECT_EQ(boost::json::parse(http_exchange(port, "GET", item).body).at("displayName"), "Patched");
  EXPECT_NE(http_exchange(port, "GET", "/v1.0/groups").body.find(id), std::string::npos);
  EXPECT_EQ(http_exchange(port, "DELETE", item).status, 204);
  auto [gone, gone_body] = http_exchange(port, "GET", item);
  EXPECT_EQ(gone, 404);
  EXPECT_EQ(boost::json::parse(gone_body).at("error").at("code"), "Request_ResourceNotFound");
  auto [listed, list_body] = http_exchange(port, "GET", "/v1.0/groups");
  EXPECT_EQ(listed, 200);
  EXPECT_EQ(list_body.find(id), std::string::npos);
  EXPECT_TRUE(boost::json::parse(list_body).at("value").as_array().empty()) << list_body;
  EXPECT_EQ(http_exchange(port, "GET", "/v1.0/groups/b320ee12-b1cd-4cca-b648-a437be61c5cd").status, 404);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace conform::test
