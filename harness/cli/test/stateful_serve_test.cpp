// `conform serve --stateful` on loopback, over real pages of the corpus, as a chained run meets it: what a
// create made can be read and deleted (also where the docs show no DELETE), a documented DELETE is seen by
// the runner's check after it, and stored array items keep the documented members.
#include "conform_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace conform::test {
namespace {

const fs::path corpus = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0";

struct answer {
  int status = 0;  // 0 when no whole answer came within 5 s
  std::string body;
};

// One request on its own connection (Connection: close), with extra header lines ("Name: value").
answer exchange(int port, const std::string& method, const std::string& target, const std::string& body = {},
                const std::vector<std::string>& headers = {}) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return {};
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const std::string& h : headers) req += h + "\r\n";
  if (!body.empty())
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  std::string got;
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
    char chunk[8192];
    for (ssize_t n; (n = recv(fd, chunk, sizeof chunk, 0)) > 0;)
      got.append(chunk, static_cast<std::size_t>(n));
  }
  close(fd);
  auto end = got.find("\r\n\r\n");
  if (got.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return {};
  return {std::atoi(got.c_str() + 9), got.substr(end + 4)};
}

std::vector<std::string> serve_args(std::initializer_list<const char*> pages) {
  std::vector<std::string> args{"serve", "--stateful", "--port", "0", "-q", "--threads", "2"};
  for (const char* page : pages) args.push_back((corpus / "api" / page).string());
  return args;
}

#define SKIP_WITHOUT_CORPUS() \
  if (!fs::exists(corpus / "api" / "chat-post.md")) GTEST_SKIP() << "no corpus at " << corpus

const std::string chat_body = R"j({"chatType": "oneOnOne", "members": [
    {"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": ["owner"],
     "user@odata.bind": "https://graph.microsoft.com/v1.0/users('8b081ef6-4792-4def-b2c9-c363a1bf41d5')"}]})j";

TEST(CliStatefulServe, ACreatedChatIsReadWithItsDocumentedMembersAndDeletedThoughNoDeleteIsDocumented) {
  SKIP_WITHOUT_CORPUS();
  serve_process server(serve_args({"chat-post.md", "chat-get.md"}));
  const int port = server.port();
  ASSERT_GT(port, 0);

  answer created = exchange(port, "POST", "/v1.0/chats", chat_body);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string item =
      "/v1.0/chats/" + std::string(boost::json::parse(created.body).at("id").as_string());

  // The member stored as the bind the client sent keeps what chat-get documents of a member.
  answer got = exchange(port, "GET", item + "?$expand=members", {},
                        {"X-Conform-Fixture: chat-get/get_chat_withmembers"});
  ASSERT_EQ(got.status, 200) << got.body;
  const boost::json::value chat = boost::json::parse(got.body);
  const boost::json::object& member = chat.at("members").at(0).as_object();
  for (const char* documented : {"id", "displayName", "userId"})
    EXPECT_TRUE(member.contains(documented)) << documented << " missing from " << got.body;
  EXPECT_EQ(member.at("roles").at(0), "owner");

  // v1.0 documents no DELETE of a chat: the run's cleanup still removes what it made.
  EXPECT_EQ(exchange(port, "DELETE", item).status, 204);
  EXPECT_EQ(exchange(port, "GET", item).status, 404);
  EXPECT_EQ(exchange(port, "DELETE", item).status, 404);
  EXPECT_EQ(server.stop(), 0);
}

TEST(CliStatefulServe, TheCheckAfterADocumentedDeleteOfALiteralIdSeesItGone) {
  SKIP_WITHOUT_CORPUS();
  serve_process server(serve_args({"calendarpermission-delete.md", "calendarpermission-get.md"}));
  const int port = server.port();
  ASSERT_GT(port, 0);
  // Nobody creates calendar permissions here: the store holds none, the documented answers stand.
  const std::string item =
      "/v1.0/users/a9d95603-3660-422e-9520-2a592777329c/calendar/calendarPermissions/RGVmYXVsdA==";
  const std::vector<std::string> after_delete{"X-Conform-After-Delete: 1"};
  EXPECT_EQ(exchange(port, "GET", item, {}, after_delete).status, 200);
  EXPECT_EQ(exchange(port, "DELETE", item).status, 204);
  answer gone = exchange(port, "GET", item, {}, after_delete);
  EXPECT_EQ(gone.status, 404) << gone.body;
  EXPECT_EQ(exchange(port, "GET", item).status, 200);  // other reads as documented, as without --stateful
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace conform::test
