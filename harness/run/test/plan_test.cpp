// The run plan over real Graph pages (../shared/corpus) and the shapes documented URLs take.
#include "run/plan.hpp"
#include "extract/extract.hpp"
#include "group_pages.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace conform::run {
namespace {

namespace fs = std::filesystem;

const fs::path api = fs::path(CONFORM_SHARED_DIR) / "corpus" / "graph-docs-v1.0" / "api";

std::string shape(const resource_path& p) {
  std::string s;
  for (const path_segment& seg : p.segments)
    s += "/" + seg.text +
         (seg.what == path_segment::kind::item    ? "[item]"
          : seg.what == path_segment::kind::other ? "[op]"
                                                  : "");
  return s;
}

TEST(ResourcePath, ReadsKeysInEveryDocumentedForm) {
  EXPECT_EQ(shape(read_resource_path("https://graph.microsoft.com/v1.0/groups/{id}/members/$ref")),
            "/groups/{id}[item]/members/$ref[op]");
  EXPECT_EQ(shape(read_resource_path("/users('{id}')/manager")), "/users/{id}[item]/manager");
  EXPECT_EQ(shape(read_resource_path("/users(id='8a6b')/manager")), "/users/8a6b[item]/manager");
  EXPECT_EQ(shape(read_resource_path("/groups/b320ee12-b1cd-4cca-b648-a437be61c5cd?$select=id")),
            "/groups/b320ee12-b1cd-4cca-b648-a437be61c5cd[item]");
  EXPECT_EQ(shape(read_resource_path("/domains/contoso.com")), "/domains/contoso.com[item]");  // a host name
  EXPECT_EQ(shape(read_resource_path("/domains/contoso.com/verify")), "/domains/contoso.com[item]/verify");
  // A literal that does not look like an id is one where the page's templates show a placeholder.
  const std::string amazon = "https://graph.microsoft.com/v1.0/identityProviders/Amazon-OAuth";
  EXPECT_EQ(shape(read_resource_path(amazon)), "/identityProviders/Amazon-OAuth");
  EXPECT_EQ(shape(read_resource_path(amazon, {"GET /identityProviders/{id}"})),
            "/identityProviders/Amazon-OAuth[item]");
  EXPECT_EQ(
      shape(read_resource_path("/me/mailFolders/inbox/messages", {"GET /users/{id}/mailFolders/{id}/messages",
                                                                  "GET /me/mailFolders/{id}/messages"})),
      "/me/mailFolders/inbox[item]/messages");
  EXPECT_EQ(shape(read_resource_path("/users/a@contoso.com/messages")),
            "/users/a@contoso.com[item]/messages");
  EXPECT_EQ(shape(read_resource_path("/me/messages/delta()")), "/me/messages/delta()[op]");
  EXPECT_EQ(shape(read_resource_path("/groups/{id}/microsoft.graph.group")),
            "/groups/{id}[item]/microsoft.graph.group[op]");
  EXPECT_EQ(shape(read_resource_path("/drive/items/{item-id}/workbook/worksheets('{a/b}')")),
            "/drive/items/{item-id}[item]/workbook/worksheets/{a/b}[item]");
  const resource_path nested = read_resource_path("/groups/{group-id}/members/{member-id}");
  ASSERT_EQ(nested.item_keys.size(), 2u);
  EXPECT_EQ(nested.item_keys[0], "/groups/*");
  EXPECT_EQ(nested.item_keys[1], "/groups/*/members/*");
  EXPECT_EQ(nested.key, "/groups/*/members/*");
}

using test::group_family;

std::vector<std::size_t> all(const fixture_set& set) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < set.fixtures.size(); ++i)
    if (set.fixtures[i].runnable) v.push_back(i);
  return v;
}

TEST(Plan, GroupPagesRunCreateFirstDeleteLastAndUseTheCreatedId) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  const fixture_set set = group_family();
  const plan p = make_plan(set, all(set), plan_inputs{});
  std::cout << plan_text(set, p);  // shown in the test log: the whole plan when an expectation fails
  ASSERT_GE(p.steps.size(), 7u);
  std::vector<std::string> roles;
  for (const step& s : p.steps) roles.emplace_back(to_string(s.role));
  // The first step creates the group; the last deletes it.
  EXPECT_EQ(roles.front(), "create") << set.fixtures[p.steps.front().fixture].id;
  EXPECT_EQ(roles.back(), "delete") << set.fixtures[p.steps.back().fixture].id;
  const std::size_t creator = p.steps.front().fixture;
  std::size_t captured = 0;
  for (const step& s : p.steps) {
    for (const binding& b : s.bindings) {
      // Every key of /groups/* comes from the POST that created the group ({id}, {group-id}, a literal id).
      if (b.segment == s.path.item_at.front()) {
        EXPECT_EQ(b.from, binding::source::capture) << set.fixtures[s.fixture].id << " " << b.documented;
        EXPECT_EQ(b.producer, creator);
        EXPECT_EQ(b.pointer, "/id");
        ++captured;
      }
    }
    if (!s.path.item_keys.empty()) {
      EXPECT_NE(std::find(s.depends_on.begin(), s.depends_on.end(), creator), s.depends_on.end());
    }
  }
  EXPECT_GE(captured, 5u);
  // Updates come after reads, and the nested members before the group is deleted.
  auto last_of = [&](std::string_view role) {
    std::size_t at = 0;
    for (std::size_t i = 0; i < roles.size(); ++i)
      if (roles[i] == role) at = i;
    return at;
  };
  auto first_of = [&](std::string_view role) {
    for (std::size_t i = 0; i < roles.size(); ++i)
      if (roles[i] == role) return i;
    return roles.size();
  };
  EXPECT_LT(last_of("read"), first_of("update"));
  // The member is added ($ref) before the group's members are listed.
  std::size_t add = 0, list_members = 0;
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const std::string& id = set.fixtures[p.steps[i].fixture].id;
    if (id == "group-post-members/add_member_to_group") add = i;
    if (id == "group-list-members/get_group_members") list_members = i;
  }
  EXPECT_LT(add, list_members);
  EXPECT_LT(last_of("update"), first_of("delete"));
}

TEST(Plan, WithoutACreateAListDiscoversAnExistingItemAndVariablesWin) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths({(api / "group-get.md").string(), (api / "group-list.md").string()}, set, missing);
  const plan p = make_plan(set, all(set), plan_inputs{});
  ASSERT_FALSE(p.steps.empty());
  EXPECT_EQ(p.steps.front().role, step_role::list);  // the list runs first: it finds the group the reads need
  bool discovered = false;
  for (const step& s : p.steps)
    for (const binding& b : s.bindings)
      if (b.from == binding::source::discovery) {
        discovered = true;
        EXPECT_EQ(b.pointer, "/value/0/id");
        EXPECT_EQ(set.fixtures[b.producer].request.method, "GET");
      }
  EXPECT_TRUE(discovered);

  const plan bound = make_plan(set, all(set), {{"id", "g-1"}});
  for (const step& s : bound.steps)
    for (const binding& b : s.bindings)
      if (b.documented == "{id}") {
        EXPECT_EQ(b.from, binding::source::variable);
        EXPECT_EQ(b.variable, "id");
      }
}

// The case: domain-get (GET /domains/contoso.com) ran before domain-post-domains created it.
TEST(Plan, DomainIsReadAfterTheCreateThatMakesIt) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths({(api / "domain-get.md").string(), (api / "domain-delete.md").string(),
                          (api / "domain-post-domains.md").string()},
                         set, missing);
  ASSERT_TRUE(missing.empty());
  const plan p = make_plan(set, all(set), plan_inputs{});
  ASSERT_GE(p.steps.size(), 3u);
  EXPECT_EQ(p.steps.front().role, step_role::create);
  EXPECT_EQ(p.steps.back().role, step_role::remove);
  for (const step& s : p.steps)
    if (set.fixtures[s.fixture].id.starts_with("domain-get/")) {
      ASSERT_EQ(s.bindings.size(), 1u);
      EXPECT_EQ(s.bindings[0].documented, "contoso.com");
      EXPECT_EQ(s.bindings[0].from, binding::source::capture);
    }
}

const step& step_of(const fixture_set& set, const plan& p, std::string_view id) {
  for (const step& s : p.steps)
    if (set.fixtures[s.fixture].id == id) return s;
  ADD_FAILURE() << "no step " << id;
  static const step none;
  return none;
}

// A channel exists under the team it was made in: channel-get documents team 893075dd... and channel 19:...;
// the channel key comes from channel-post's answer, so the team key is the one channel-post sent, and
// channel-delete's "/teams/{id}/channels/{id}" gets two different values.
TEST(Plan, TheKeysAboveACapturedItemAreTheOnesItsProducerSent) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths({(api / "channel-post.md").string(), (api / "channel-get.md").string(),
                          (api / "channel-delete.md").string()},
                         set, missing);
  ASSERT_TRUE(missing.empty());
  const plan p = make_plan(set, all(set), plan_inputs{});
  for (const char* id : {"channel-get/get_channel", "channel-delete/delete_channel"}) {
    const step& s = step_of(set, p, id);
    ASSERT_EQ(s.bindings.size(), 2u) << id;
    const binding &team = s.bindings[0], &channel = s.bindings[1];
    EXPECT_EQ(channel.from, binding::source::capture) << id;
    EXPECT_EQ(channel.pointer, "/id");
    EXPECT_EQ(team.from, binding::source::parent) << id;
    EXPECT_EQ(team.producer, channel.producer) << id;
    EXPECT_EQ(team.parent_item, 0u);
    EXPECT_TRUE(set.fixtures[team.producer].id.starts_with("channel-post/"))
        << set.fixtures[team.producer].id;
  }
  EXPECT_NE(
      plan_text(set, p).find("893075dd-2487-4122-925f-022c42e20265 <- parent, as sent by channel-post/"),
      std::string::npos)
      << plan_text(set, p);
}

// "b2xUserFlows" has a digit but is a collection: POST /identity/b2xUserFlows creates, and the reads of
// /identity/b2xUserFlows/B2X_1_PartnerSignUp take what it made.
TEST(Plan, ACamelCaseNameWithADigitIsACollectionNotAKey) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths({(api / "identitycontainer-post-b2xuserflows.md").string(),
                          (api / "b2xidentityuserflow-get.md").string()},
                         set, missing);
  ASSERT_TRUE(missing.empty());
  const plan p = make_plan(set, all(set), plan_inputs{});
  const step& get = step_of(set, p, "b2xidentityuserflow-get/get_b2xUserFlows");
  ASSERT_EQ(get.bindings.size(), 1u);
  EXPECT_EQ(get.bindings[0].documented, "B2X_1_PartnerSignUp");
  EXPECT_EQ(get.bindings[0].from, binding::source::capture);
  EXPECT_EQ(p.steps.front().role, step_role::create);
}

// Thirty Intune configuration types are created at /deviceManagement/deviceConfigurations: each page's reads,
// update and delete take the create documented on their own page family, so each delete deletes its own item
// (the first create's would be deleted thirty times) and each read meets its own type.
TEST(Plan, OfSeveralCreatesTheOneDocumentedClosestProduces) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  fixture_set set;
  std::vector<std::string> missing;
  std::vector<std::string> pages;
  for (const char* type : {"androidcustomconfiguration", "ioscustomconfiguration"})
    for (const char* op : {"create", "get", "update", "delete"})
      pages.push_back((api / ("intune-deviceconfig-" + std::string(type) + "-" + op + ".md")).string());
  extract::extract_paths(pages, set, missing);
  ASSERT_TRUE(missing.empty());
  const plan p = make_plan(set, all(set), plan_inputs{});
  std::size_t checked = 0;
  for (const step& s : p.steps) {
    if (s.role == step_role::create) continue;
    const std::string& page = set.fixtures[s.fixture].page;
    ASSERT_EQ(s.bindings.size(), 1u) << page;
    EXPECT_EQ(s.bindings[0].from, binding::source::capture) << page;
    const std::string type = page.substr(0, page.rfind('-'));
    EXPECT_EQ(set.fixtures[s.bindings[0].producer].page, type + "-create") << page;
    ++checked;
  }
  EXPECT_EQ(checked, 6u);
}

// message-post-attachments makes a fileAttachment and an itemAttachment on one page: the read documented as
// an itemAttachment takes the itemAttachment's create, the fileAttachment's read the other.
TEST(Plan, OfSeveralCreatesTheOneMakingTheDocumentedTypeProduces) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths(
      {(api / "message-post-attachments.md").string(), (api / "attachment-get.md").string()}, set, missing);
  ASSERT_TRUE(missing.empty());
  const plan p = make_plan(set, all(set), plan_inputs{});
  const std::pair<const char*, const char*> want[] = {
      {"attachment-get/get_item_attachment",
       "message-post-attachments/create_item_attachment_from_message_v1"},
      {"attachment-get/get_file_attachment_v1",
       "message-post-attachments/create_file_attachment_from_message_v1"}};
  for (const auto& [consumer, producer] : want) {
    const step& s = step_of(set, p, consumer);
    ASSERT_EQ(s.bindings.size(), 2u) << consumer;
    EXPECT_EQ(set.fixtures[s.bindings[1].producer].id, producer) << consumer;
  }
}

// mailSearchFolders are created under childFolders, not /me/mailFolders: the read documented as one is bound
// to the mailFolder user-post-mailfolders makes, and its case will say so.
TEST(Plan, AnItemOfAnotherTypeThanThePageDocumentsIsNoted) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths({(api / "user-post-mailfolders.md").string(), (api / "mailfolder-get.md").string()},
                         set, missing);
  ASSERT_TRUE(missing.empty());
  const plan p = make_plan(set, all(set), plan_inputs{});
  EXPECT_EQ(
      step_of(set, p, "mailfolder-get/get_mailSearchfolder").note,
      "the item is the one user-post-mailfolders/create_mailfolder_from_user made, documented as mailFolder; "
      "this page documents mailSearchFolder, and no create of it runs in this run");
  EXPECT_EQ(step_of(set, p, "mailfolder-get/get_mailfolder").note, "");
}

// channel-post-messages comes first in file order and creates under a channel that channel-post creates: the
// shallower create is planned first, so the message is posted to the new channel.
TEST(Plan, ACreateUnderAnotherCreatesItemWaitsForIt) {
  if (!fs::exists(api)) GTEST_SKIP() << "no corpus at " << api;
  fixture_set set;
  std::vector<std::string> missing;
  extract::extract_paths({(api / "channel-post-messages.md").string(), (api / "channel-post.md").string()},
                         set, missing);
  ASSERT_TRUE(missing.empty());
  const plan p = make_plan(set, all(set), plan_inputs{});
  ASSERT_FALSE(p.steps.empty());
  EXPECT_TRUE(set.fixtures[p.steps.front().fixture].page == "channel-post") << plan_text(set, p);
  const step& post = step_of(set, p, "channel-post-messages/post_channelmessage_1");
  ASSERT_EQ(post.bindings.size(), 2u);
  EXPECT_EQ(post.bindings[1].from, binding::source::capture) << plan_text(set, p);
  EXPECT_EQ(post.bindings[0].from, binding::source::parent);
  ASSERT_EQ(post.depends_on.size(), 1u);
  EXPECT_EQ(set.fixtures[post.depends_on[0]].page, "channel-post");
}

}  // namespace
}  // namespace conform::run
