// `conform serve --stateful` on loopback, over real pages of the corpus, as a chained run meets it: what a
// create made can be read and deleted (also where the docs show no DELETE), a documented DELETE is seen by
// the runner's check after it, and stored array items keep the documented members.
#include "conform_process.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace conform::test {
namespace {

const fs::path corpus = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0";

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

  http_answer created = http_exchange(port, "POST", "/v1.0/chats", chat_body);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string item =
      "/v1.0/chats/" + std::string(boost::json::parse(created.body).at("id").as_string());

  // The member stored as the bind the client sent keeps what chat-get documents of a member.
  http_answer got = http_exchange(port, "GET", item + "?$expand=members", {},
                                  {"X-Conform-Fixture: chat-get/get_chat_withmembers"});
  ASSERT_EQ(got.status, 200) << got.body;
  const boost::json::value chat = boost::json::parse(got.body);
  const boost::json::object& member = chat.at("members").at(0).as_object();
  for (const char* documented : {"id", "displayName", "userId"})
    EXPECT_TRUE(member.contains(documented)) << documented << " missing from " << got.body;
  EXPECT_EQ(member.at("roles").at(0), "owner");

  // v1.0 documents no DELETE of a chat: the run's cleanup still removes what it made.
  EXPECT_EQ(http_exchange(port, "DELETE", item).status, 204);
  EXPECT_EQ(http_exchange(port, "GET", item).status, 404);
  EXPECT_EQ(http_exchange(port, "DELETE", item).status, 404);
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
  EXPECT_EQ(http_exchange(port, "GET", item, {}, after_delete).status, 200);
  EXPECT_EQ(http_exchange(port, "DELETE", item).status, 204);
  http_answer gone = http_exchange(port, "GET", item, {}, after_delete);
  EXPECT_EQ(gone.status, 404) << gone.body;
  EXPECT_EQ(http_exchange(port, "GET", item).status,
            200);  // other reads as documented, as without --stateful
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace conform::test
